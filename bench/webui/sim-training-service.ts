import type { TrainingService, TrainingServiceListener, TrialJob, StartResult } from '../../daemon/training/training-service';

/** Shape of the simulated trials. */
export interface SimOptions {
  /** How long each trial runs, ms. */
  durationMs: number;
  /** Intermediate metrics per trial (spread over the run), then one final metric. */
  intermediates: number;
}

/** When the simulated trials' state changes were handed to the daemon (Date.now() ms), per trial. */
export interface SimTimeline {
  started: Map<string, number>;
  ended: Map<string, number>;
}

/**
 * A training service that runs no process: each accepted job "runs" for `durationMs` in this
 * process, reporting intermediate metrics and a final one through the daemon's real listener,
 * then exits 0. It lets the web UI bench drive a real daemon (manager, runner, tuner, SQLite
 * store, delta bus, socket.io) at hundreds of trial updates per second, which real child
 * processes cannot reach on a 2-core machine. Records when each trial started and ended in
 * `timeline` (to measure the lag until the browser paints it). One instance per experiment.
 */
export class SimTrainingService implements TrainingService {
  readonly timeline: SimTimeline = { started: new Map(), ended: new Map() };
  private listener?: TrainingServiceListener;
  private readonly timers = new Map<string, NodeJS.Timeout[]>();
  private seq = 0;

  constructor(private readonly opts: SimOptions) {}

  setListener(listener: TrainingServiceListener): void {
    this.listener = listener;
  }

  tryStart(job: TrialJob): StartResult {
    const l = this.listener;
    if (!l) return { started: false, wait: { kind: 'starting', message: 'no listener yet' } };
    const id = job.trialId;
    const n = this.opts.intermediates;
    const final = 0.5 + 0.4 * ((this.seq++ * 0.618034) % 1);
    const steps: NodeJS.Timeout[] = [];
    const at = (ms: number, fn: () => void) => steps.push(setTimeout(fn, ms));
    this.timeline.started.set(id, Date.now());
    at(0, () => l.onStarted(id, {}));
    for (let i = 0; i < n; i++) {
      at(((i + 1) * this.opts.durationMs) / (n + 2), () =>
        l.onMessage(id, { type: 'metric', trialId: id, kind: 'intermediate', value: final * (1 - Math.exp(-(i + 1) / 2)) }));
    }
    at(((n + 1) * this.opts.durationMs) / (n + 2), () =>
      l.onMessage(id, { type: 'metric', trialId: id, kind: 'final', value: { default: final, flops: 1e8 + final * 1e8 } }));
    at(this.opts.durationMs, () => {
      this.timers.delete(id);
      this.timeline.ended.set(id, Date.now());
      l.onExit({ trialId: id, cause: 'exited', exitCode: 0 });
      l.onCapacity();
    });
    this.timers.set(id, steps);
    return { started: true };
  }

  async kill(trialId: string): Promise<void> {
    const steps = this.timers.get(trialId);
    if (!steps) return;
    steps.forEach(clearTimeout);
    this.timers.delete(trialId);
    this.listener?.onExit({ trialId, cause: 'killed', signal: 'SIGTERM' });
  }

  async shutdown(): Promise<void> {
    for (const id of [...this.timers.keys()]) await this.kill(id);
  }
}
