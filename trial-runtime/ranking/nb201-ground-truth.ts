import { ConfigError } from '../../daemon/errors';
import { parseCsv } from './csv-table';
import { GROUND_TRUTH_FORMAT, type GroundTruth, type GroundTruthRecord } from './ground-truth';

/** Options of {@link importNb201Csv}. */
export interface Nb201ImportOptions {
  /** Accuracy column, e.g. 'c10_test_v10' (default), 'c10_valid', 'c100_test', 'in16_valid', 'c10_valid_12ep'. */
  column?: string;
  /** Extra columns copied into each record's `extra` (numbers), e.g. ['params_mb_analytic_c10']. */
  extraColumns?: readonly string[];
}

/**
 * Converts an NB201 table of shared/data/nasbench201 (`nb201_200ep.csv`, `nb201_12ep.csv`, or
 * any CSV with an `arch_str` column) into a ground truth keyed by the official arch string (the
 * key `Nb201Supernet.archString` produces), accuracy = the chosen column in percent. All rows are
 * kept (no isomorphism merge). `where` names the file in errors. Throws ConfigError (path
 * `/column`) naming the available columns when a column is missing. Pure.
 */
export function importNb201Csv(text: string, where: string, options: Nb201ImportOptions = {}): GroundTruth {
  const column = options.column ?? 'c10_test_v10';
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((h) => h.trim());
  const col = (name: string): number => {
    const c = header.indexOf(name);
    if (c < 0) throw new ConfigError('/column', `${where} has no column '${name}'; columns: ${header.join(', ')}`);
    return c;
  };
  const archCol = col('arch_str');
  const accCol = col(column);
  const extras = (options.extraColumns ?? []).map((name) => [name, col(name)] as const);
  const indexCol = header.indexOf('index');
  const records = rows.slice(1).map((row): GroundTruthRecord => {
    const raw = (row[accCol] ?? '').trim();
    const rec: GroundTruthRecord = { arch: (row[archCol] ?? '').trim(), accuracy: raw === '' ? NaN : Number(raw) };
    const extra: Record<string, number> = {};
    if (indexCol >= 0) extra.nb201_index = Number(row[indexCol]);
    for (const [name, c] of extras) extra[name] = Number(row[c]);
    if (Object.keys(extra).length > 0) rec.extra = extra;
    return rec;
  });
  return { format: GROUND_TRUTH_FORMAT, version: 1, metric: column, space: 'nb201', source: `${where} column ${column}`, records };
}
