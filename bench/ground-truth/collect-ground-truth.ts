/*
 * Turns a finished ground-truth experiment (config.yml beside archs.json, trials of
 * train-arch-trial.ts) into a ground-truth table (trial-runtime/ranking/ground-truth.ts format):
 *
 *   node dist/bench/ground-truth/collect-ground-truth.js --dir experiments/ground-truth/spos-fmnist \
 *     [--config FILE] (--experiment ID | --export trials.json) [--allow-missing] [--out FILE]
 *
 * reads DIR/config.yml (or --config) (space, supernet options, budget), DIR/archs.json and the trials (from
 * `nasctl experiment export ID --format json`, run here with the caller's NASCTL_HOME, or a saved
 * export), and writes DIR/ground-truth.json.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../daemon/errors';
import { archKey } from '../../trial-runtime/supernets/arch-key';
import { formatGroundTruthJson, GROUND_TRUTH_FORMAT, type GroundTruth, type GroundTruthRecord } from '../../trial-runtime/ranking/ground-truth';
import { parseProgramArgs } from '../../trial-runtime/programs/parse-program-args';
import { runProgram } from '../../trial-runtime/programs/program-errors';
import { dryRunSupernet } from '../../trial-runtime/programs/train-supernet';
import { GROUND_TRUTH_TRIAL_DEFAULTS, GROUND_TRUTH_TRIAL_KINDS, archAt, readArchIndexList, type GroundTruthTrialOptions } from './train-arch-trial';

/** The part of one exported trial the collector reads. */
export interface ExportedTrial {
  id: string;
  status: string;
  parameters: Record<string, unknown>;
  finalMetric?: number | Record<string, number>;
  endedAt?: number;
}

/** What {@link collectRecords} found: one result per list index, and what was left out. */
export interface CollectedResults {
  /** index -> final metric of the latest succeeded trial of that index. */
  byIndex: Map<number, Record<string, number>>;
  /** List indices without a succeeded trial. */
  missing: number[];
  /** Succeeded trials of an index that also had a later one (kept: the later). */
  superseded: string[];
}

/**
 * Picks, for every index 0..count-1, the final metric of the last-ended SUCCEEDED trial with
 * parameter `index`. Pure. Throws ConfigError for a succeeded trial without an index in range or
 * without a numeric final metric (the export is not of a ground-truth experiment).
 */
export function collectRecords(trials: readonly ExportedTrial[], count: number): CollectedResults {
  const byIndex = new Map<number, { at: number; id: string; metric: Record<string, number> }>();
  const superseded: string[] = [];
  for (const t of trials) {
    if (t.status !== 'SUCCEEDED') continue;
    const raw = t.parameters['index'];
    const index = typeof raw === 'object' && raw !== null && '_value' in raw ? (raw as { _value: unknown })._value : raw;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) throw new ConfigError(`/trials/${t.id}/parameters/index`, `trial ${t.id}: index ${JSON.stringify(raw)} is not in [0, ${count - 1}]; is this the export of a ground-truth experiment over this list?`);
    const fm = t.finalMetric;
    const metric = typeof fm === 'number' ? { default: fm } : fm;
    if (metric === undefined || typeof metric['default'] !== 'number') throw new ConfigError(`/trials/${t.id}/finalMetric`, `trial ${t.id} succeeded without a numeric final metric`);
    const prev = byIndex.get(index);
    const at = t.endedAt ?? 0;
    if (prev !== undefined) superseded.push(prev.at <= at ? prev.id : t.id);
    if (prev === undefined || prev.at <= at) byIndex.set(index, { at, id: t.id, metric });
  }
  const missing: number[] = [];
  for (let i = 0; i < count; i++) if (!byIndex.has(i)) missing.push(i);
  return { byIndex: new Map([...byIndex].map(([i, v]) => [i, v.metric])), missing, superseded };
}

/** The trial options of a ground-truth config's trialCommand (`node <program> --opt value ...`). */
export function trialOptionsOf(trialCommand: string): GroundTruthTrialOptions {
  const tokens = (trialCommand.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((t) => (/^['"]/.test(t) ? t.slice(1, -1) : t));
  const start = tokens.findIndex((t) => t.startsWith('--'));
  return parseProgramArgs(start < 0 ? [] : tokens.slice(start), GROUND_TRUTH_TRIAL_KINDS, GROUND_TRUTH_TRIAL_DEFAULTS);
}

/**
 * Builds the ground-truth table of DIR from exported trials: one record per list entry (arch key
 * of the space, test accuracy in percent, extras: index, flops, params, test_loss, seconds).
 * Reads `configFile` (default DIR/config.yml) and the list it names (relative to DIR). Throws ConfigError for an unreadable config or list,
 * and when entries are missing unless `allowMissing` (then they are left out and named in `source`).
 */
export function buildGroundTruth(dir: string, trials: readonly ExportedTrial[], allowMissing: boolean, configFile = path.join(dir, 'config.yml')): { gt: GroundTruth; result: CollectedResults } {
  let config: { trialCommand?: unknown; experimentName?: unknown };
  try {
    config = parseYaml(fs.readFileSync(configFile, 'utf8')) as typeof config;
  } catch (cause) {
    throw new ConfigError(configFile, `cannot read the ground-truth config: ${(cause as Error).message}`, { cause });
  }
  if (typeof config.trialCommand !== 'string') throw new ConfigError(`${configFile}/trialCommand`, 'is missing');
  const o = trialOptionsOf(config.trialCommand);
  const listFile = path.join(dir, o.archList);
  const list = readArchIndexList(listFile);
  const count = list.length;
  const result = collectRecords(trials, count);
  if (result.missing.length > 0 && !allowMissing) {
    throw new ConfigError('/trials', `${result.missing.length} of ${count} architectures have no succeeded trial (indices ${result.missing.join(', ')}); resume the experiment (nasctl resume ID) or pass --allow-missing`);
  }
  const net = dryRunSupernet(o);
  const records: GroundTruthRecord[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const m = result.byIndex.get(i);
      if (m === undefined) continue;
      const arch = archAt(listFile, i, list);
      const extra: Record<string, number> = { index: i };
      for (const k of ['flops', 'params', 'test_loss', 'seconds']) if (typeof m[k] === 'number') extra[k] = m[k] as number;
      records.push({ arch: archKey(net, net.parseArch(arch)), accuracy: Math.round((m['default'] as number) * 1e6) / 1e4, extra });
    }
  } finally {
    net.dispose();
  }
  const budget = `${o.epochs} epochs x ${o.trainLimit ?? 'all'} ${o.dataset} training images, batch ${o.batchSize}, lr ${o.lr} ${o.lrSchedule}, momentum ${o.momentum}, weight decay ${o.weightDecay}, label smoothing ${o.labelSmoothing}, seed ${o.seed}`;
  const missingNote = result.missing.length > 0 ? `; MISSING indices ${result.missing.join(', ')}` : '';
  const gt: GroundTruth = {
    format: GROUND_TRUTH_FORMAT,
    version: 1,
    metric: `${o.dataset}_test_acc_percent`,
    space: o.space,
    source: `nasctl experiment ${String(config.experimentName)} (${path.basename(dir)}/${path.basename(configFile)}): ${o.space} ${JSON.stringify(o.supernetOptions)} trained from scratch with train-arch, ${budget}; accuracy on the ${o.dataset} test set${missingNote}`,
    records,
  };
  return { gt, result };
}

/** Exported trials of experiment `id` through the nasctl CLI (NASCTL_HOME of the caller). Throws ConfigError when nasctl fails. */
function exportTrials(id: string): ExportedTrial[] {
  const bin = path.resolve(__dirname, '..', '..', '..', 'bin', 'nasctl.js');
  const r = spawnSync(process.execPath, [bin, 'experiment', 'export', id, '--format', 'json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new ConfigError('--experiment', `nasctl experiment export ${id} failed: ${r.stderr.trim()}`);
  return (JSON.parse(r.stdout) as { trials: ExportedTrial[] }).trials;
}

/** Entry: writes DIR/ground-truth.json and prints a summary. */
export async function main(argv: readonly string[]): Promise<void> {
  await runProgram('collect-ground-truth', async () => {
    const { values } = parseArgs({ args: [...argv], options: { dir: { type: 'string' }, config: { type: 'string' }, experiment: { type: 'string' }, export: { type: 'string' }, 'allow-missing': { type: 'boolean', default: false }, out: { type: 'string' } } });
    if (!values.dir || (values.experiment === undefined) === (values.export === undefined)) throw new ConfigError('/argv', 'usage: collect-ground-truth --dir DIR [--config FILE] (--experiment ID | --export FILE) [--allow-missing] [--out FILE]');
    const trials = values.experiment !== undefined ? exportTrials(values.experiment) : (JSON.parse(fs.readFileSync(values.export as string, 'utf8')) as { trials: ExportedTrial[] }).trials;
    const { gt, result } = buildGroundTruth(values.dir, trials, values['allow-missing'], values.config ?? path.join(values.dir, 'config.yml'));
    const out = values.out ?? path.join(values.dir, 'ground-truth.json');
    fs.writeFileSync(out, formatGroundTruthJson(gt));
    const acc = gt.records.map((r) => r.accuracy);
    process.stdout.write(`wrote ${gt.records.length} records to ${out} (accuracy ${Math.min(...acc)} .. ${Math.max(...acc)} %)${result.missing.length ? `; missing ${result.missing.length}` : ''}${result.superseded.length ? `; ${result.superseded.length} earlier duplicate trial(s) ignored` : ''}\n`);
  }, async () => undefined);
}

if (require.main === module) void main(process.argv.slice(2));
