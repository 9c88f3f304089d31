/**
 * Pure arithmetic of bench/slurm: throughput and per-trial overhead of one scenario of no-op
 * trials, from its wall-clock span and the end times of its trials.
 */

/** What one scenario measured. */
export interface OverheadInput {
  name: string;
  trials: number;
  concurrency: number;
  /** Wall clock (ms) when the experiment was created and when it settled. */
  startMs: number;
  endMs: number;
  /** End time (ms) of every trial, any order. */
  trialEndsMs: number[];
  /** CPU time of the daemon process over the scenario. */
  daemonCpuMs: number;
}

/** The figures printed for one scenario. */
export interface OverheadFigure {
  name: string;
  trials: number;
  seconds: number;
  trialsPerSecond: number;
  /** Slot time one trial costs: wall × concurrency / trials (the trials do nothing). */
  overheadMsPerTrial: number;
  /**
   * The same after the first `concurrency` trials ended (their slots' start-up paid: process or
   * worker job start), over the rest; undefined when there are too few trials for it.
   */
  steadyOverheadMsPerTrial: number | undefined;
  daemonCpuMsPerTrial: number;
}

/**
 * Computes a scenario's figures. Assumes `trialEndsMs.length === trials` and no-op trials.
 * Throws RangeError for an empty or inverted span (nothing to divide by).
 */
export function overheadFigure(input: OverheadInput): OverheadFigure {
  const wallMs = input.endMs - input.startMs;
  if (input.trials <= 0 || wallMs <= 0 || input.concurrency <= 0) {
    throw new RangeError(`${input.name}: need trials > 0, concurrency > 0 and a positive wall time, got ${input.trials} trials over ${wallMs} ms`);
  }
  const ends = [...input.trialEndsMs].sort((a, b) => a - b);
  let steady: number | undefined;
  const rest = ends.length - input.concurrency;
  if (rest >= input.concurrency) {
    const span = ends[ends.length - 1]! - ends[input.concurrency - 1]!;
    steady = span > 0 ? (span * input.concurrency) / rest : undefined;
  }
  return {
    name: input.name,
    trials: input.trials,
    seconds: wallMs / 1000,
    trialsPerSecond: (input.trials * 1000) / wallMs,
    overheadMsPerTrial: (wallMs * input.concurrency) / input.trials,
    steadyOverheadMsPerTrial: steady,
    daemonCpuMsPerTrial: input.daemonCpuMs / input.trials,
  };
}
