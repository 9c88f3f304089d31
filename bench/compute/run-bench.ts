/**
 * Compute benchmark: wasm (with nasctl's kernels) vs PyTorch CPU, 1 thread each, same nets, batch
 * 64 of 32x32x3. Run: `node dist/bench/compute/run-bench.js [steps]`. Installs nothing: it looks for
 * a Python with torch (NASCTL_BENCH_PYTHON, /usr/bin/python3, python3) and prints how to install
 * Debian's python3-torch when missing. Each measurement alternates JS and Python (interleaved), so
 * load from other processes hits both sides alike.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { selectBackend } from '../../trial-runtime/compute/select-backend';
import { buildConv4, buildSpos } from './nets';
import { makeBatch, profileTrainStep, timeForward, timeTrain } from './measure';

function findTorchPython(): string | undefined {
  const candidates = [process.env['NASCTL_BENCH_PYTHON'], '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function torchMs(py: string, net: string, mode: string, steps: number): number {
  const script = path.join(__dirname, '..', '..', '..', 'bench', 'compute', 'reference.py');
  const r = spawnSync(py, [script, net, mode, String(steps)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`reference.py ${net} ${mode} failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { ms: number }).ms;
}

async function main(): Promise<void> {
  const steps = Number(process.argv[2] ?? '5');
  const info = await selectBackend({ prefer: 'wasm' });
  const tf = info.tf;
  console.log(info.description);
  const py = findTorchPython();
  if (!py) console.log('PyTorch not found: install it with `apt-get install -y python3-torch` (or set NASCTL_BENCH_PYTHON)');
  const batch = makeBatch(tf, 64);
  for (const build of [buildConv4, buildSpos]) {
    const net = build(tf);
    const fwd = timeForward(tf, net, batch, steps);
    const torchFwd = py ? torchMs(py, net.name, 'forward', steps) : NaN;
    const train = timeTrain(tf, net, batch, steps);
    const torchTrain = py ? torchMs(py, net.name, 'train', steps) : NaN;
    console.log(
      `${net.name}: forward wasm ${fwd.toFixed(1)} ms, torch ${torchFwd.toFixed(1)} ms, throughput ratio ${(torchFwd / fwd).toFixed(2)}x; ` +
        `train step wasm ${train.toFixed(1)} ms, torch ${torchTrain.toFixed(1)} ms, ratio ${(torchTrain / train).toFixed(2)}x`,
    );
    const kernels = await profileTrainStep(tf, net, batch);
    console.log(`  ${net.name} kernels of one training step (ms, calls; composite kernels include their inner kernels):`);
    for (const k of kernels.slice(0, 12)) console.log(`    ${k.kernel.padEnd(38)} ${k.ms.toFixed(1).padStart(7)}  x${k.calls}`);
    tf.dispose(net.variables);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
