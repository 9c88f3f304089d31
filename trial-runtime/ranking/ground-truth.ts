import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../daemon/errors';
import { formatCsvRow, parseCsv } from './csv-table';
import type { TruthArch } from './join-scores';

/** The format tag of a ground-truth JSON file. */
export const GROUND_TRUTH_FORMAT = 'nasctl-ground-truth';

/** One architecture's trained-from-scratch result. */
export interface GroundTruthRecord extends TruthArch {
  /** Architecture key: the space's string form (NB201 arch string, NDS / DARTS genotype, ...). */
  arch: string;
  /** Accuracy (percent or fraction, as the source gives it; NaN = unknown). */
  accuracy: number;
  /** Optional extra columns (params, flops, other accuracies, ...). */
  extra?: Record<string, number | string>;
}

/**
 * A ground-truth table. JSON form: `{"format": "nasctl-ground-truth", "version": 1, "metric":
 * "c10_test_v10", "space": "nb201", "source": "...", "records": [{"arch": "...", "accuracy":
 * 94.37, "extra": {"params": 1.5}}]}` (accuracy `null` = unknown). CSV form: a header with an
 * `arch` and an `accuracy` column; every other column is an extra (numbers where they parse).
 */
export interface GroundTruth {
  format: typeof GROUND_TRUTH_FORMAT;
  version: 1;
  /** What `accuracy` is (e.g. 'c10_test_v10', 'test_acc'). */
  metric: string;
  /** Supernet space name the keys belong to, when known. */
  space?: string;
  /** Where the numbers come from (file, column, command). */
  source?: string;
  records: GroundTruthRecord[];
}

/** A CSV accuracy cell that means "unknown". */
const MISSING_CELL = /^\s*(nan|null|none|na)?\s*$/i;

/**
 * Parses the CSV form. `where` names the file in errors. Throws ConfigError (path `/header`) when
 * the `arch` or `accuracy` column is missing, and `/rows/<i>` for a row with the wrong number of
 * cells or a non-numeric accuracy. Empty / `nan` accuracies become NaN (rank-eval drops them).
 */
export function parseGroundTruthCsv(text: string, where: string, metric = 'accuracy'): GroundTruth {
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((h) => h.trim());
  const archCol = header.indexOf('arch');
  const accCol = header.indexOf('accuracy');
  if (archCol < 0 || accCol < 0) {
    throw new ConfigError('/header', `${where}: a ground-truth CSV needs 'arch' and 'accuracy' columns, found: ${header.join(', ') || '(empty file)'}`);
  }
  const records = rows.slice(1).map((row, i): GroundTruthRecord => {
    if (row.length !== header.length) throw new ConfigError(`/rows/${i}`, `${where}: data line ${i + 1} has ${row.length} cells, the header has ${header.length}; quote cells that contain commas`);
    const missing = MISSING_CELL.test(row[accCol] as string);
    const accuracy = missing ? NaN : Number(row[accCol]);
    if (Number.isNaN(accuracy) && !missing) {
      throw new ConfigError(`/rows/${i}/accuracy`, `${where}: data line ${i + 1}: accuracy '${row[accCol]}' is not a number`);
    }
    const rec: GroundTruthRecord = { arch: (row[archCol] as string).trim(), accuracy };
    const extra: Record<string, number | string> = {};
    header.forEach((h, c) => {
      if (c === archCol || c === accCol) return;
      const v = row[c] as string;
      const n = Number(v);
      extra[h] = v.trim() !== '' && Number.isFinite(n) ? n : v;
    });
    if (Object.keys(extra).length > 0) rec.extra = extra;
    return rec;
  });
  return { format: GROUND_TRUTH_FORMAT, version: 1, metric, source: where, records };
}

/**
 * Parses and checks the JSON form (see {@link GroundTruth}). Throws ConfigError with the JSON
 * path of the first problem and the file name in the message.
 */
export function parseGroundTruthJson(text: string, where: string): GroundTruth {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('', `${where}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const o = doc as Partial<Record<keyof GroundTruth, unknown>> | null;
  if (o === null || typeof o !== 'object' || o.format !== GROUND_TRUTH_FORMAT) {
    throw new ConfigError('/format', `${where}: expected a ground-truth file with "format": "${GROUND_TRUTH_FORMAT}" (import public tables with the ground-truth program first)`);
  }
  if (o.version !== 1) throw new ConfigError('/version', `${where}: unsupported version ${JSON.stringify(o.version)}; this nasctl reads version 1`);
  if (typeof o.metric !== 'string') throw new ConfigError('/metric', `${where}: "metric" must be a string naming what accuracy is`);
  if (!Array.isArray(o.records)) throw new ConfigError('/records', `${where}: "records" must be a list of {arch, accuracy}`);
  const records = o.records.map((r: unknown, i): GroundTruthRecord => {
    const rec = r as { arch?: unknown; accuracy?: unknown; extra?: unknown } | null;
    if (rec === null || typeof rec !== 'object' || typeof rec.arch !== 'string') throw new ConfigError(`/records/${i}/arch`, `${where}: record ${i} needs a string "arch"`);
    if (rec.accuracy !== null && typeof rec.accuracy !== 'number') throw new ConfigError(`/records/${i}/accuracy`, `${where}: record ${i} needs a number (or null) "accuracy"`);
    const out: GroundTruthRecord = { arch: rec.arch, accuracy: rec.accuracy === null ? NaN : rec.accuracy };
    if (rec.extra !== undefined) {
      if (rec.extra === null || typeof rec.extra !== 'object' || Array.isArray(rec.extra)) throw new ConfigError(`/records/${i}/extra`, `${where}: "extra" must be an object`);
      out.extra = rec.extra as Record<string, number | string>;
    }
    return out;
  });
  const gt: GroundTruth = { format: GROUND_TRUTH_FORMAT, version: 1, metric: o.metric, records };
  if (typeof o.space === 'string') gt.space = o.space;
  if (typeof o.source === 'string') gt.source = o.source;
  return gt;
}

/**
 * Reads a ground-truth file: `.csv` as CSV, anything else as JSON. Throws ConfigError for bad
 * content and NotFound-style fs errors (ENOENT) as ConfigError naming the file.
 */
export function readGroundTruthFile(file: string): GroundTruth {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('', `cannot read ground truth '${file}': ${(err as Error).message}`, { cause: err });
  }
  return path.extname(file).toLowerCase() === '.csv' ? parseGroundTruthCsv(text, file) : parseGroundTruthJson(text, file);
}

/** The JSON form (indent 1 per record line); NaN accuracies become null. Pure. */
export function formatGroundTruthJson(gt: GroundTruth): string {
  const { records, ...head } = gt;
  const lines = records.map((r) => '  ' + JSON.stringify({ ...r, accuracy: Number.isFinite(r.accuracy) ? r.accuracy : null }));
  const headJson = JSON.stringify(head).slice(0, -1);
  return `${headJson},\n "records": [\n${lines.join(',\n')}\n]}\n`;
}

/** The CSV form: arch, accuracy, then the union of extra columns in first-seen order. Pure. */
export function formatGroundTruthCsv(gt: GroundTruth): string {
  const extras: string[] = [];
  for (const r of gt.records) for (const k of Object.keys(r.extra ?? {})) if (!extras.includes(k)) extras.push(k);
  const lines = [formatCsvRow(['arch', 'accuracy', ...extras])];
  for (const r of gt.records) lines.push(formatCsvRow([r.arch, Number.isFinite(r.accuracy) ? r.accuracy : 'nan', ...extras.map((k) => r.extra?.[k] ?? '')]));
  return lines.join('\n') + '\n';
}

/** Architecture keys of a ground truth, in table order, each once (what `eval-arch` scores). Pure. */
export function groundTruthArchs(gt: GroundTruth): string[] {
  return [...new Set(gt.records.map((r) => r.arch))];
}
