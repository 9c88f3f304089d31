/*
 * Writes the architecture list of a ground-truth table: `count` architectures of a built-in space,
 * FLOPs-stratified and seeded (select-archs.ts), as a JSON list of candidate-index lists (the
 * ARCHS format of `nasctl eval-arch`).
 *
 *   node dist/bench/ground-truth/make-arch-list.js --space spos-cpu \
 *     --supernet-options '{"depthMultiplier":0.25}' --count 64 --seed 6 --out archs.json
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../daemon/errors';
import { createSupernet, type SupernetOptions } from '../../trial-runtime/supernets/registry';
import { knownDatasetShape, supernetOptionsFor } from '../../trial-runtime/programs/train-supernet';
import { runProgram } from '../../trial-runtime/programs/program-errors';
import { choiceCounts, enumerateArchs, selectStratified, type CostedArch } from './select-archs';

/** What {@link makeArchList} needs. */
export interface ArchListOptions {
  space: string;
  supernetOptions: SupernetOptions;
  /** Dataset whose image shape and classes the supernet is built for (default fashion-mnist). */
  dataset: string;
  count: number;
  seed: number;
}

/**
 * Every architecture of the space with its analytic cost, then the stratified choice. Builds no
 * weights. Throws ConfigError for an unknown space or dataset, a non-discrete space, a bad count.
 */
export function makeArchList(o: ArchListOptions): CostedArch[] {
  const known = knownDatasetShape(o.dataset);
  if (known === undefined) throw new ConfigError('--dataset', `'${o.dataset}' has no known image shape; use fashion-mnist, mnist, cifar10 or cifar100`);
  const net = createSupernet(o.space, supernetOptionsFor(o.space, o.supernetOptions, known.shape, known.numClasses));
  try {
    const all = enumerateArchs(choiceCounts(net.searchSpace())).map((arch): CostedArch => ({ arch, ...net.cost(arch) }));
    return selectStratified(all, o.count, o.seed);
  } finally {
    net.dispose();
  }
}

/** Entry: parses argv, writes the list, prints the FLOPs range. */
export async function main(argv: readonly string[]): Promise<void> {
  await runProgram('make-arch-list', async () => {
    const { values } = parseArgs({
      args: [...argv],
      options: { space: { type: 'string' }, 'supernet-options': { type: 'string', default: '{}' }, dataset: { type: 'string', default: 'fashion-mnist' }, count: { type: 'string' }, seed: { type: 'string', default: '0' }, out: { type: 'string' } },
    });
    if (!values.space || !values.count || !values.out) throw new ConfigError('/argv', 'usage: make-arch-list --space NAME [--supernet-options JSON] [--dataset NAME] --count N [--seed S] --out FILE');
    let supernetOptions: SupernetOptions;
    try {
      supernetOptions = JSON.parse(values['supernet-options']) as SupernetOptions;
    } catch (cause) {
      throw new ConfigError('--supernet-options', `must be JSON: ${(cause as Error).message}`, { cause });
    }
    const list = makeArchList({ space: values.space, supernetOptions, dataset: values.dataset, count: Number(values.count), seed: Number(values.seed) });
    fs.writeFileSync(values.out, '[\n' + list.map((a) => '  ' + JSON.stringify(a.arch)).join(',\n') + '\n]\n');
    const f = list.map((a) => a.flops);
    process.stdout.write(`wrote ${list.length} architectures to ${values.out} (FLOPs ${Math.min(...f)} .. ${Math.max(...f)})\n`);
  }, async () => undefined);
}

if (require.main === module) void main(process.argv.slice(2));
