/**
 * Pure GPU choice for the local training service: given what nvidia-smi saw and how many of our
 * trials each GPU already runs, pick GPUs for a job or explain, GPU by GPU, why it must wait.
 */

/** One GPU as seen by nvidia-smi, with our own processes already told apart from others. */
export interface GpuState {
  index: number;
  /** Percent, 0-100 (0 when nvidia-smi reports N/A). */
  utilization: number;
  /** MiB. */
  memoryUsed: number;
  /** MiB. */
  memoryTotal: number;
  /** A compute process that is not one of our trials runs on it. */
  hasOtherProcesses: boolean;
}

/** Everything the choice depends on. */
export interface GpuAllocationInput {
  gpus: readonly GpuState[];
  /** GPU index -> number of our running trials (or reuse workers) assigned to it. */
  trialsPerGpu: ReadonlyMap<number, number>;
  /** Only these GPUs may be used (config `gpuIndices`); all when absent. */
  gpuIndices?: readonly number[];
  maxTrialNumberPerGpu: number;
  /** Whether GPUs running other people's processes may be used. */
  useActiveGpu: boolean;
  /** GPUs the job needs (> 0). */
  gpuNumber: number;
}

/** Chosen GPU indices (ascending), or a human-readable wait reason naming each GPU's state. */
export type GpuAllocation = { ok: true; indices: number[] } | { ok: false; reason: string };

/**
 * Chooses `gpuNumber` GPUs, least loaded first (ties: lowest index). A GPU qualifies when it is
 * in `gpuIndices` (if given), runs fewer than `maxTrialNumberPerGpu` of our trials, and — unless
 * `useActiveGpu` — runs no other process. Never throws.
 */
export function allocateGpus(input: GpuAllocationInput): GpuAllocation {
  const allowed = input.gpuIndices === undefined ? undefined : new Set(input.gpuIndices);
  const states: string[] = [];
  const free: Array<{ index: number; ours: number }> = [];
  let usable = 0;
  for (const gpu of input.gpus) {
    if (allowed !== undefined && !allowed.has(gpu.index)) continue;
    usable += 1;
    const ours = input.trialsPerGpu.get(gpu.index) ?? 0;
    if (ours >= input.maxTrialNumberPerGpu) {
      states.push(`gpu ${gpu.index} busy (${ours}/${input.maxTrialNumberPerGpu} trials)`);
    } else if (!input.useActiveGpu && gpu.hasOtherProcesses) {
      states.push(
        `gpu ${gpu.index} used by another process (${gpu.utilization}% util, ${gpu.memoryUsed}/${gpu.memoryTotal} MiB)`,
      );
    } else {
      free.push({ index: gpu.index, ours });
      states.push(ours === 0 ? `gpu ${gpu.index} free` : `gpu ${gpu.index} has room (${ours}/${input.maxTrialNumberPerGpu} trials)`);
    }
  }
  if (allowed !== undefined) {
    const present = new Set(input.gpus.map((gpu) => gpu.index));
    for (const index of input.gpuIndices!) {
      if (!present.has(index)) states.push(`gpu ${index} (in gpuIndices) not found by nvidia-smi`);
    }
  }
  const plural = input.gpuNumber === 1 ? '' : 's';
  if (usable < input.gpuNumber) {
    const where = input.gpus.length === 0 ? 'nvidia-smi lists no GPU' : `only ${usable} usable GPU${usable === 1 ? '' : 's'}`;
    return {
      ok: false,
      reason:
        `waiting for ${input.gpuNumber} free GPU${plural}, but ${where}` +
        (states.length > 0 ? ` (${states.join(', ')})` : '') +
        '; lower trialGpuNumber or check trainingService.gpuIndices',
    };
  }
  if (free.length < input.gpuNumber) {
    return { ok: false, reason: `waiting for ${input.gpuNumber} free GPU${plural}: ${states.join(', ')}` };
  }
  free.sort((a, b) => a.ours - b.ours || a.index - b.index);
  const indices = free.slice(0, input.gpuNumber).map((gpu) => gpu.index);
  indices.sort((a, b) => a - b);
  return { ok: true, indices };
}
