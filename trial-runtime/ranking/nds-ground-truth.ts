import { ConfigError } from '../../daemon/errors';
import { GROUND_TRUTH_FORMAT, type GroundTruth, type GroundTruthRecord } from './ground-truth';

/** Which NDS space the records describe (decides the genotype keys). */
export type NdsGroundTruthKind = 'resnet' | 'resnexta';

/** Options of {@link importNdsRecords}. */
export interface NdsImportOptions {
  kind: NdsGroundTruthKind;
  /**
   * 'min' (default, aw_nas `dump_archyaml_and_gtpkl.py`): accuracy = 100 - min_test_top1;
   * 'last': 100 - the last entry of test_ep_top1.
   */
  accuracy?: 'min' | 'last';
  /** Stages of the network (default 3, the CIFAR AnyNet). */
  numStages?: number;
}

/** Per-stage list of `net`: with numStages + 1 entries index 0 (the stem) is skipped. */
function stageValues(net: Record<string, unknown>, field: string, stages: number, where: string): number[] {
  const v = net[field];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new ConfigError(`/net/${field}`, `${where}: net.${field} must be a list of numbers`);
  const list = v as number[];
  if (list.length === stages + 1) return list.slice(1);
  if (list.length === stages) return list;
  throw new ConfigError(`/net/${field}`, `${where}: net.${field} has ${list.length} entries; expected ${stages + 1} (stem + stages) or ${stages}`);
}

/** The genotype string of NdsSupernet.genotype for per-stage values (the ground-truth key). */
export function ndsGenotypeKey(kind: NdsGroundTruthKind, v: { depths: number[]; widths: number[]; botMuls: number[]; numGroups: number[] }): string {
  const pairs: Array<[string, number[]]> = [
    ['depths', v.depths],
    ['widths', v.widths],
  ];
  if (kind === 'resnexta') pairs.push(['bot_muls', v.botMuls], ['num_groups', v.numGroups]);
  return `OrderedDict([${pairs.flatMap(([name, list]) => list.map((x, s) => `('${name}.${s}', ${String(x)})`)).join(', ')}])`;
}

/**
 * Converts NDS's published per-architecture JSON records (`ResNet.json`, `ResNeXt-A.json`,
 * `ResNet_rng1.json`: a list of `{net: {ds, ws, bot_muls, num_gs, ...}, test_ep_top1: [...],
 * min_test_top1, params, flops, ...}` where the *_top1 values are top-1 ERRORS in percent) into a
 * ground truth keyed by the NDS supernet's genotype string. Records of several files (seeds) with
 * the same genotype are averaged (aw_nas `resnet_gt_5k_3seed.pkl`); `extra.seeds` counts them.
 * Assumptions (the files are not available here): per-stage lists have a leading stem entry,
 * `num_gs` is a group count. Throws ConfigError with the record's index for malformed records.
 */
export function importNdsRecords(files: ReadonlyArray<{ where: string; records: unknown }>, options: NdsImportOptions): GroundTruth {
  const stages = options.numStages ?? 3;
  const mode = options.accuracy ?? 'min';
  const byKey = new Map<string, { sum: number; n: number; params?: number; flops?: number }>();
  for (const { where, records } of files) {
    if (!Array.isArray(records)) throw new ConfigError('', `${where}: NDS data must be a JSON list of per-architecture records`);
    records.forEach((r: unknown, i) => {
      const at = `${where} record ${i}`;
      const rec = r as Record<string, unknown> | null;
      if (rec === null || typeof rec !== 'object' || rec.net === null || typeof rec.net !== 'object') throw new ConfigError(`/${i}/net`, `${at}: needs a "net" object`);
      const net = rec.net as Record<string, unknown>;
      const values = {
        depths: stageValues(net, 'ds', stages, at),
        widths: stageValues(net, 'ws', stages, at),
        botMuls: options.kind === 'resnexta' ? stageValues(net, 'bot_muls', stages, at) : [],
        numGroups: options.kind === 'resnexta' ? stageValues(net, 'num_gs', stages, at) : [],
      };
      let error: unknown;
      if (mode === 'min') error = rec.min_test_top1;
      else error = Array.isArray(rec.test_ep_top1) ? rec.test_ep_top1[rec.test_ep_top1.length - 1] : undefined;
      if (typeof error !== 'number') throw new ConfigError(`/${i}/${mode === 'min' ? 'min_test_top1' : 'test_ep_top1'}`, `${at}: needs a number ${mode === 'min' ? 'min_test_top1' : 'test_ep_top1 list'} (top-1 error in percent)`);
      const key = ndsGenotypeKey(options.kind, values);
      const acc = byKey.get(key) ?? { sum: 0, n: 0 };
      acc.sum += 100 - error;
      acc.n += 1;
      if (typeof rec.params === 'number') acc.params = rec.params;
      if (typeof rec.flops === 'number') acc.flops = rec.flops;
      byKey.set(key, acc);
    });
  }
  const out: GroundTruthRecord[] = [...byKey].map(([arch, a]) => {
    const extra: Record<string, number> = { seeds: a.n };
    if (a.params !== undefined) extra.params = a.params;
    if (a.flops !== undefined) extra.flops = a.flops;
    return { arch, accuracy: a.sum / a.n, extra };
  });
  return {
    format: GROUND_TRUTH_FORMAT,
    version: 1,
    metric: mode === 'min' ? '100 - min_test_top1' : '100 - test_ep_top1[-1]',
    space: options.kind === 'resnet' ? 'nds-resnet' : 'nds-resnexta',
    source: files.map((f) => f.where).join(', '),
    records: out,
  };
}
