/**
 * Eval-mode inference of every built-in supernet with the folded conv+BN fast path off and on
 * (`ForwardOptions.fuse`), at the sizes its experiments use: `node dist/bench/compute/supernet-inference.js
 * [--backend wasm|cpu] [--batch 64] [--rounds 7] [--nets spos-cpu,nb201,...]`. One fixed
 * architecture per supernet; each round times one plain and one fused forward (alternating which
 * goes first, results read back), after one warm-up forward of each (the fused one folds the
 * kernels). Prints the median ms of each, the speedup and the largest relative difference of the
 * logits. The wasm backend is nasctl's (`selectBackend`, nasctl's kernels installed).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { selectBackend } from '../../trial-runtime/compute/select-backend';
import type { BackendChoice } from '../../trial-runtime/compute/tf-core';
import { createSupernet } from '../../trial-runtime/supernets/registry';
import type { Supernet } from '../../trial-runtime/supernets/supernet';

/** One benchmarked supernet: registry name, options (from experiments/), and its architecture. */
interface Case {
  label: string;
  space: string;
  options: Record<string, unknown>;
  arch: (net: Supernet) => number[];
}

/** NB201's best cell on CIFAR-10 (3x3 convs and one skip). */
const NB201_ARCH = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';
/** DARTS_V2 from the DARTS repository's genotypes.py (sep convs, dil conv, skips, max pools). */
const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

/** Candidate index `i mod n` in every key (a fixed mixed path). */
const cycling = (net: Supernet): number[] => Object.values(net.searchSpace()).map((s, i) => i % (s._value as unknown[]).length);
/** The last (widest / deepest) candidate in every key. */
const largest = (net: Supernet): number[] => Object.values(net.searchSpace()).map((s) => (s._value as unknown[]).length - 1);

const NB201_SMALL = { channels: 8, cellsPerStage: 1, inputSize: 28, inChannels: 1, numClasses: 10 };
const DARTS_SMALL = { channels: 8, layers: 5, stemMultiplier: 2 };
const NDS_SMALL = { depths: [1, 2], widths: [16, 32, 64] };

const CASES: readonly Case[] = [
  { label: 'spos-cpu (x0.25)', space: 'spos-cpu', options: { depthMultiplier: 0.25 }, arch: cycling },
  { label: 'nb201 (C=8,N=1)', space: 'nb201', options: NB201_SMALL, arch: (n) => n.parseArch(NB201_ARCH) },
  { label: 'nb201-close', space: 'nb201-close', options: NB201_SMALL, arch: (n) => n.parseArch(NB201_ARCH) },
  { label: 'darts (C=8,L=5)', space: 'darts', options: DARTS_SMALL, arch: (n) => n.parseArch(DARTS_V2) },
  { label: 'darts-close', space: 'darts-close', options: DARTS_SMALL, arch: (n) => n.parseArch(DARTS_V2) },
  { label: 'nds-resnet', space: 'nds-resnet', options: NDS_SMALL, arch: largest },
  { label: 'nds-resnexta', space: 'nds-resnexta', options: { ...NDS_SMALL, botMuls: [0.5, 1], numGroups: [1, 2] }, arch: cycling },
  { label: 'cream-cpu', space: 'cream-cpu', options: {}, arch: cycling },
];

interface Args {
  backend: BackendChoice;
  batch: number;
  rounds: number;
  nets: string[] | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { backend: 'wasm', batch: 64, rounds: 7, nets: undefined };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value = ''] = [argv[i], argv[i + 1]];
    if (flag === '--backend' && (value === 'wasm' || value === 'cpu')) args.backend = value;
    else if (flag === '--batch' && Number(value) > 0) args.batch = Number(value);
    else if (flag === '--rounds' && Number(value) > 0) args.rounds = Number(value);
    else if (flag === '--nets') args.nets = value.split(',');
    else throw new Error(`supernet-inference: bad argument '${flag} ${value}'; use --backend wasm|cpu, --batch N, --rounds N, --nets a,b`);
  }
  return args;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Max |a - b| / max |b| of two logit arrays. */
function relativeDiff(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 1e-12;
  b.forEach((v, i) => {
    diff = Math.max(diff, Math.abs((a[i] as number) - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return diff / scale;
}

/** Median plain / fused ms of one case and the logits' relative difference. */
function timeCase(tf: typeof tfc, c: Case, args: Args): { plain: number; fused: number; diff: number; shape: string } {
  const net = createSupernet(c.space, { ...c.options, seed: 0, scope: `bench-fuse-${c.space}-${process.pid}` });
  const arch = c.arch(net);
  const [h, w, ch] = net.inputShape;
  const x = tf.randomNormal([args.batch, h, w, ch], 0, 1, 'float32', 1) as tfc.Tensor4D;
  const run = (fuse: boolean): { ms: number; logits: Float32Array } => {
    const t0 = process.hrtime.bigint();
    const logits = tf.tidy(() => net.forward(x, arch, { training: false, fuse }).dataSync() as Float32Array);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, logits };
  };
  const diff = relativeDiff(run(true).logits, run(false).logits);
  const plain: number[] = [];
  const fused: number[] = [];
  for (let r = 0; r < args.rounds; r++) {
    const order = r % 2 === 0 ? [false, true] : [true, false];
    for (const fuse of order) (fuse ? fused : plain).push(run(fuse).ms);
  }
  x.dispose();
  net.dispose();
  return { plain: median(plain), fused: median(fused), diff, shape: `${args.batch}x${h}x${w}x${ch}` };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = await selectBackend({ prefer: args.backend });
  const tf = backend.tf as typeof tfc;
  console.log(backend.description);
  console.log(`eval-mode inference, median of ${args.rounds} alternating rounds (plain = fuse off, fused = conv+BN folded)`);
  console.log(['supernet'.padEnd(18), 'input'.padEnd(13), 'plain ms'.padStart(9), 'fused ms'.padStart(9), 'speedup'.padStart(8), 'rel diff'.padStart(9)].join(' '));
  for (const c of CASES) {
    if (args.nets && !args.nets.includes(c.space)) continue;
    const r = timeCase(tf, c, args);
    console.log([c.label.padEnd(18), r.shape.padEnd(13), r.plain.toFixed(1).padStart(9), r.fused.toFixed(1).padStart(9), `${(r.plain / r.fused).toFixed(2)}x`.padStart(8), r.diff.toExponential(1).padStart(9)].join(' '));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
