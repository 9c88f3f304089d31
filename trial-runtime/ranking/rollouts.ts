import * as fs from 'node:fs';
import { ConfigError } from '../../daemon/errors';

/** The format tag on the first line of a rollouts file. */
export const ROLLOUTS_FORMAT = 'nasctl-rollouts';

/**
 * Header (first line) of a rollouts file: what produced the scores. `metric` names the score;
 * `higherIsBetter` is false for a loss (rank-eval then negates it).
 */
export interface RolloutsHeader {
  format: typeof ROLLOUTS_FORMAT;
  version: 1;
  /** Supernet space name ('nb201', 'darts', ...). */
  space?: string;
  /** 'oneshot' or 'zeroshot:<proxy>,...'. */
  evaluator: string;
  metric: string;
  higherIsBetter: boolean;
}

/**
 * One architecture scored with one checkpoint (or at initialization: checkpoint null). `score`
 * is the value ranked (NaN = the evaluation failed); `metrics` holds everything else measured
 * (loss, accuracy, each zero-shot proxy, ...).
 */
export interface RolloutRecord {
  /** Architecture key in the space's string form (the key ground truths use). */
  arch: string;
  checkpoint: string | null;
  score: number;
  metrics: Record<string, number>;
}

/** A whole rollouts file. */
export interface Rollouts {
  header: RolloutsHeader;
  records: RolloutRecord[];
}

/** JSON number or null for non-finite values (JSON has no NaN). */
function jsonNumber(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** One JSON line of a record (NaN / infinite values as null). Pure. */
export function formatRolloutRecord(r: RolloutRecord): string {
  const metrics: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(r.metrics)) metrics[k] = jsonNumber(v);
  return JSON.stringify({ arch: r.arch, checkpoint: r.checkpoint, score: jsonNumber(r.score), metrics });
}

/**
 * Writes a rollouts file incrementally: JSON Lines, the header first, then one record per line
 * appended as each architecture is scored (so an interrupted `eval-arch --dump-rollouts` keeps
 * what it finished). Created by eval-arch; `close()` must be called. Throws the fs error when
 * the file cannot be written.
 */
export class RolloutsWriter {
  private fd: number | undefined;

  /** Creates (truncates) `file` and writes the header line. */
  constructor(
    readonly file: string,
    header: Omit<RolloutsHeader, 'format' | 'version'>,
  ) {
    this.fd = fs.openSync(file, 'w');
    fs.writeSync(this.fd, JSON.stringify({ format: ROLLOUTS_FORMAT, version: 1, ...header }) + '\n');
  }

  /** Appends one record. Throws Error after close(). */
  append(record: RolloutRecord): void {
    if (this.fd === undefined) throw new Error(`RolloutsWriter(${this.file}): append after close`);
    fs.writeSync(this.fd, formatRolloutRecord(record) + '\n');
  }

  /** Flushes and closes the file; later calls do nothing. */
  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function parseRecord(line: string, n: number, where: string): RolloutRecord {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch (err) {
    throw new ConfigError(`/lines/${n}`, `${where}: line ${n + 1} is not JSON (${(err as Error).message})`, { cause: err });
  }
  const r = o as { arch?: unknown; checkpoint?: unknown; score?: unknown; metrics?: unknown } | null;
  if (r === null || typeof r !== 'object' || typeof r.arch !== 'string') throw new ConfigError(`/lines/${n}/arch`, `${where}: line ${n + 1} needs a string "arch"`);
  if (r.checkpoint !== null && typeof r.checkpoint !== 'string') throw new ConfigError(`/lines/${n}/checkpoint`, `${where}: line ${n + 1}: "checkpoint" must be a string or null`);
  if (r.score !== null && typeof r.score !== 'number') throw new ConfigError(`/lines/${n}/score`, `${where}: line ${n + 1}: "score" must be a number or null`);
  const metrics: Record<string, number> = {};
  if (r.metrics !== undefined) {
    if (r.metrics === null || typeof r.metrics !== 'object' || Array.isArray(r.metrics)) throw new ConfigError(`/lines/${n}/metrics`, `${where}: line ${n + 1}: "metrics" must be an object of numbers`);
    for (const [k, v] of Object.entries(r.metrics as Record<string, unknown>)) {
      if (v !== null && typeof v !== 'number') throw new ConfigError(`/lines/${n}/metrics/${k}`, `${where}: line ${n + 1}: metric '${k}' must be a number or null`);
      metrics[k] = v === null ? NaN : v;
    }
  }
  return { arch: r.arch, checkpoint: r.checkpoint, score: r.score === null ? NaN : r.score, metrics };
}

/**
 * Parses rollouts text (see {@link RolloutsWriter}); `where` names the file in errors. Throws
 * ConfigError with the line of the first problem: a missing or foreign header, bad JSON, or a
 * record with wrongly typed fields. Null scores / metrics become NaN (rank-eval drops them).
 */
export function parseRollouts(text: string, where: string): Rollouts {
  const lines = text.split('\n').map((l) => l.trim());
  const first = lines.findIndex((l) => l !== '');
  let header: Partial<RolloutsHeader> | null = null;
  try {
    header = first >= 0 ? (JSON.parse(lines[first] as string) as Partial<RolloutsHeader>) : null;
  } catch {
    header = null;
  }
  if (header === null || typeof header !== 'object' || header.format !== ROLLOUTS_FORMAT) {
    throw new ConfigError('/header', `${where}: the first line must be a rollouts header {"format": "${ROLLOUTS_FORMAT}", ...}; write it with eval-arch --dump-rollouts`);
  }
  if (header.version !== 1) throw new ConfigError('/header/version', `${where}: unsupported rollouts version ${JSON.stringify(header.version)}; this nasctl reads version 1`);
  if (typeof header.metric !== 'string' || typeof header.evaluator !== 'string' || typeof header.higherIsBetter !== 'boolean') {
    throw new ConfigError('/header', `${where}: the header needs "evaluator" and "metric" strings and a boolean "higherIsBetter"`);
  }
  const records: RolloutRecord[] = [];
  for (let n = first + 1; n < lines.length; n++) if (lines[n] !== '') records.push(parseRecord(lines[n] as string, n, where));
  return { header: header as RolloutsHeader, records };
}

/** Reads a rollouts file. Throws ConfigError naming the file when it cannot be read or parsed. */
export function readRolloutsFile(file: string): Rollouts {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('', `cannot read rollouts '${file}': ${(err as Error).message}`, { cause: err });
  }
  return parseRollouts(text, file);
}

/**
 * Groups records by checkpoint, in first-seen order (one rank-eval per checkpoint). `metric`
 * (optional) replaces `score` with that entry of `metrics` (NaN where absent). Pure.
 */
export function groupByCheckpoint(records: readonly RolloutRecord[], metric?: string): Array<{ checkpoint: string | null; scores: Array<{ arch: string; score: number }> }> {
  const groups = new Map<string | null, Array<{ arch: string; score: number }>>();
  for (const r of records) {
    const list = groups.get(r.checkpoint) ?? [];
    list.push({ arch: r.arch, score: metric === undefined ? r.score : (r.metrics[metric] ?? NaN) });
    groups.set(r.checkpoint, list);
  }
  return [...groups].map(([checkpoint, scores]) => ({ checkpoint, scores }));
}
