/**
 * One worker process of `run-bench --parallel N`: `node bench-worker.js NET MODE STEPS`. Loads the
 * wasm backend, builds NET, runs one warm-up step, prints `ready`, waits for one line on stdin (so
 * all N workers time the same wall-clock window), then prints `{"ms": median}` as its last line.
 */
import { selectBackend } from '../../trial-runtime/compute/select-backend';
import { buildBenchNet, disposeBenchNet } from './net-by-name';
import { makeBatch, makeStep, medianMs, type BenchMode } from './measure';
import { waitForGo } from './parallel';

async function main(): Promise<void> {
  const [name = '', mode = '', stepsArg = '5'] = process.argv.slice(2);
  const { tf } = await selectBackend({ prefer: 'wasm' });
  const net = buildBenchNet(tf, name);
  const batch = makeBatch(tf, 64);
  const { step, dispose } = makeStep(tf, net, batch, mode as BenchMode);
  step();
  await waitForGo();
  const ms = medianMs(step, Number(stepsArg));
  dispose();
  disposeBenchNet(tf, net);
  console.log(JSON.stringify({ ms }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
