/**
 * Reads the GPU state with nvidia-smi: two CSV queries (GPUs, compute processes), parsed into
 * `GpuState`s with our own trial processes told apart from other people's.
 */
import { execFile } from 'node:child_process';
import type { GpuState } from './gpu-allocator';

/** A GPU line of `--query-gpu=index,uuid,utilization.gpu,memory.used,memory.total`. */
export interface GpuRow {
  index: number;
  uuid: string;
  utilization: number;
  memoryUsed: number;
  memoryTotal: number;
}

/** A line of `--query-compute-apps=gpu_uuid,pid`. */
export interface ComputeAppRow {
  gpuUuid: string;
  pid: number;
}

/** Result of one query: GPU states, or why nvidia-smi could not tell. */
export type GpuQueryResult = { ok: true; gpus: GpuState[] } | { ok: false; reason: string };

const QUERY_TIMEOUT_MS = 20_000;

/** Parses the GPU CSV (noheader, nounits). "[N/A]"-like numbers read as 0. Throws Error on a malformed line. */
export function parseGpuCsv(text: string): GpuRow[] {
  const rows: GpuRow[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const fields = line.split(',').map((field) => field.trim());
    const index = Number(fields[0]);
    if (fields.length < 5 || !Number.isInteger(index)) {
      throw new Error(`unexpected nvidia-smi --query-gpu line "${line}" (want: index, uuid, utilization, memory.used, memory.total)`);
    }
    rows.push({ index, uuid: fields[1]!, utilization: numberOrZero(fields[2]!), memoryUsed: numberOrZero(fields[3]!), memoryTotal: numberOrZero(fields[4]!) });
  }
  return rows;
}

/** Parses the compute-apps CSV (noheader). Lines without a numeric pid are skipped. */
export function parseComputeAppsCsv(text: string): ComputeAppRow[] {
  const rows: ComputeAppRow[] = [];
  for (const raw of text.split('\n')) {
    const fields = raw.split(',').map((field) => field.trim());
    if (fields.length < 2) continue;
    const pid = Number(fields[1]);
    if (fields[0] === '' || !Number.isInteger(pid)) continue;
    rows.push({ gpuUuid: fields[0]!, pid });
  }
  return rows;
}

/** Combines both queries: a GPU "has other processes" when a compute app on it is not ours. */
export function toGpuStates(gpus: readonly GpuRow[], apps: readonly ComputeAppRow[], ownPids: ReadonlySet<number>): GpuState[] {
  const busyUuids = new Set<string>();
  for (const app of apps) if (!ownPids.has(app.pid)) busyUuids.add(app.gpuUuid);
  return gpus.map((gpu) => ({
    index: gpu.index,
    utilization: gpu.utilization,
    memoryUsed: gpu.memoryUsed,
    memoryTotal: gpu.memoryTotal,
    hasOtherProcesses: busyUuids.has(gpu.uuid),
  }));
}

/**
 * Runs both nvidia-smi queries. `isOwnProcess(pid)` says whether a compute process belongs to
 * one of our trials (it may be a grandchild of the trial's shell). Never throws: failures become
 * `{ok:false, reason: "nvidia-smi not found / failed: ..."}`.
 */
export async function queryGpus(nvidiaSmiPath: string, isOwnProcess: (pid: number) => Promise<boolean>): Promise<GpuQueryResult> {
  try {
    const gpuText = await run(nvidiaSmiPath, ['--query-gpu=index,uuid,utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits']);
    const appText = await run(nvidiaSmiPath, ['--query-compute-apps=gpu_uuid,pid', '--format=csv,noheader']);
    const gpus = parseGpuCsv(gpuText);
    const apps = parseComputeAppsCsv(appText);
    const own = new Set<number>();
    for (const app of apps) if (await isOwnProcess(app.pid)) own.add(app.pid);
    return { ok: true, gpus: toGpuStates(gpus, apps, own) };
  } catch (error) {
    return { ok: false, reason: `nvidia-smi not found / failed: ${(error as Error).message}` };
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: QUERY_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const detail = (stderr || '').trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`${file} ${args[0]}: ${error.message.split('\n')[0]}${detail ? ` (${detail})` : ''}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

function numberOrZero(text: string): number {
  const value = Number(text);
  return Number.isFinite(value) ? value : 0;
}
