/**
 * Compute benchmark: wasm (with nasctl's kernels) vs PyTorch CPU, 1 thread each, same nets, batch
 * 64 of 32x32x3. Run: `node dist/bench/compute/run-bench.js [steps] [--parallel N] [--profile]`.
 *
 * For each net and mode it prints ms per step and images/s of one wasm process against PyTorch
 * with one thread in one process. With `--parallel N` it also runs N wasm processes side by side
 * (each the same loop, timed over the same window) and N one-thread PyTorch processes side by
 * side, and prints the aggregate images/s and both ratios: wasm xN against PyTorch x1 (how the
 * issue counts "both cores") and against PyTorch xN. `--profile` prints the top kernels of each
 * measured step. Last, GFLOP/s of single kernels on both sides (why the ratios are what they are).
 * Installs nothing: it looks for a Python with torch (NASCTL_BENCH_PYTHON, /usr/bin/python3,
 * python3). Each measurement alternates JS and Python, so load from other processes hits both.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { selectBackend } from '../../trial-runtime/compute/select-backend';
import type { TfCore } from '../../trial-runtime/compute/tf-core';
import { BENCH_NETS, buildBenchNet, disposeBenchNet } from './net-by-name';
import { KERNEL_SHAPES, makeBatch, profileStep, timeKernels, timeMode, type Batch, type BenchMode } from './measure';
import { runSideBySide } from './parallel';

const BATCH = 64;
const SCRIPT = path.join(__dirname, '..', '..', '..', 'bench', 'compute', 'reference.py');
const WORKER = path.join(__dirname, 'bench-worker.js');
const TORCH_ENV = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

/** What is measured per net: the wasm mode and the PyTorch mode it is compared with. */
const CASES: Record<string, Array<{ mode: BenchMode; torch: string; label: string }>> = {
  conv4: [{ mode: 'infer', torch: 'eval', label: 'inference' }, { mode: 'train', torch: 'train', label: 'train step' }],
  spos: [{ mode: 'forward', torch: 'forward', label: 'forward (batch-stat BN)' }, { mode: 'train', torch: 'train', label: 'train step' }],
  'spos-sn': [{ mode: 'infer', torch: 'eval', label: 'inference' }, { mode: 'train', torch: 'train', label: 'train step' }],
};

interface Args {
  steps: number;
  parallel: number;
  profile: boolean;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { steps: 5, parallel: 1, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--parallel') out.parallel = Number(argv[++i]);
    else if (a === '--profile') out.profile = true;
    else if (/^\d+$/.test(a)) out.steps = Number(a);
    else throw new Error(`unknown argument '${a}': usage run-bench.js [steps] [--parallel N] [--profile]`);
  }
  if (!(out.parallel >= 1 && Number.isInteger(out.parallel))) throw new Error('--parallel needs a positive integer');
  return out;
}

function findTorchPython(): string | undefined {
  const candidates = [process.env['NASCTL_BENCH_PYTHON'], '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function torchJson(py: string, args: string[]): unknown {
  const r = spawnSync(py, [SCRIPT, ...args], { encoding: 'utf8', env: TORCH_ENV });
  if (r.status !== 0) throw new Error(`reference.py ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as unknown;
}

const ips = (ms: number): number => (BATCH * 1000) / ms;
const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');

async function printProfile(tf: TfCore, netName: string, batch: Batch, mode: BenchMode): Promise<void> {
  const net = buildBenchNet(tf, netName);
  const kernels = await profileStep(tf, net, batch, mode);
  disposeBenchNet(tf, net);
  const total = kernels.reduce((a, k) => a + k.ms, 0);
  console.log(`    top kernels of one ${mode} step of ${netName} (ms, calls; composites include their inner kernels; sum ${f1(total)} ms):`);
  for (const k of kernels.slice(0, 12)) console.log(`      ${k.kernel.padEnd(38)} ${k.ms.toFixed(1).padStart(7)}  x${k.calls}`);
}

function printKernels(tf: TfCore, py: string | undefined, steps: number): void {
  const wasm = timeKernels(tf, steps);
  const torch = py ? new Map(Object.entries((torchJson(py, ['kernels', String(steps)]) as { ms: Record<string, number> }).ms)) : new Map<string, number>();
  console.log('single kernels, 1 thread (GFLOP/s = 2 x multiply-adds / time):');
  for (const k of KERNEL_SHAPES) {
    const w = wasm.get(k.name) as number;
    const t = torch.get(k.name) ?? NaN;
    const g = (ms: number): number => k.flop / ms / 1e6;
    console.log(`  ${k.name.padEnd(28)} wasm ${f2(w).padStart(7)} ms ${f1(g(w)).padStart(6)} GFLOP/s | torch ${f2(t).padStart(7)} ms ${f1(g(t)).padStart(6)} GFLOP/s | wasm/torch ${f2(t / w)}x`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const info = await selectBackend({ prefer: 'wasm' });
  const tf = info.tf;
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`${new Date().toISOString()}  load average ${load}  cores ${os.cpus().length}  steps ${args.steps}  batch ${BATCH}x32x32x3`);
  console.log(info.description);
  const py = findTorchPython();
  if (!py) console.log('PyTorch not found: install it with `apt-get install -y python3-torch` (or set NASCTL_BENCH_PYTHON)');
  const batch = makeBatch(tf, BATCH);
  const summary: string[] = [];
  for (const netName of BENCH_NETS) {
    for (const c of CASES[netName] ?? []) {
      const net = buildBenchNet(tf, netName);
      const wasm = timeMode(tf, net, batch, c.mode, args.steps);
      const plain = c.mode === 'infer' && net.inferPlain ? timeMode(tf, net, batch, 'infer-plain', args.steps) : NaN;
      disposeBenchNet(tf, net);
      const torch = py ? (torchJson(py, [netName, c.torch, String(args.steps)]) as { ms: number }).ms : NaN;
      let line = `${netName} ${c.label}: wasm ${f1(wasm)} ms (${f1(ips(wasm))} img/s), torch ${f1(torch)} ms (${f1(ips(torch))} img/s), 1 process each: ${f2(torch / wasm)}x`;
      if (Number.isFinite(plain)) line += ` [without fused kernels: wasm ${f1(plain)} ms]`;
      console.log(line);
      let row = `  ${`${netName} ${c.label}`.padEnd(34)} 1p/1p ${f2(torch / wasm).padStart(5)}x`;
      if (args.parallel > 1) {
        const n = args.parallel;
        const wasmN = await runSideBySide({ cmd: process.execPath, args: [WORKER, netName, c.mode, String(args.steps)] }, n);
        const torchN = py ? await runSideBySide({ cmd: py, args: [SCRIPT, netName, c.torch, String(args.steps), '--sync'], env: TORCH_ENV }, n) : [];
        const wasmAgg = wasmN.reduce((a, ms) => a + ips(ms), 0);
        const torchAgg = py ? torchN.reduce((a, ms) => a + ips(ms), 0) : NaN;
        const torch1 = ips(torch);
        console.log(
          `  ${n} processes side by side: wasm ${f1(wasmAgg)} img/s (${wasmN.map(f1).join(' / ')} ms); torch ${n}x1 thread ${f1(torchAgg)} img/s; ` +
            `wasm x${n} / torch x1 (the issue's count) ${f2(wasmAgg / torch1)}x; wasm x${n} / torch x${n} ${f2(wasmAgg / torchAgg)}x`,
        );
        row += ` | ${n}p/1p ${f2(wasmAgg / torch1).padStart(5)}x | ${n}p/${n}p ${f2(wasmAgg / torchAgg).padStart(5)}x`;
      }
      summary.push(row);
      if (args.profile) await printProfile(tf, netName, batch, c.mode);
    }
  }
  console.log(`summary: throughput ratio wasm / torch (goal: train step >= 0.5x, inference >= 0.7x)${args.parallel > 1 ? `; Np = ${args.parallel} processes side by side` : ''}`);
  for (const row of summary) console.log(row);
  printKernels(tf, py, args.steps);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
