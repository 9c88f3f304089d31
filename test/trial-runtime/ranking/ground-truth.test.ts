import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../../daemon/errors';
import { formatGroundTruthCsv, formatGroundTruthJson, groundTruthArchs, parseGroundTruthCsv, parseGroundTruthJson, readGroundTruthFile, type GroundTruth } from '../../../trial-runtime/ranking/ground-truth';
import { formatCsvRow, parseCsv } from '../../../trial-runtime/ranking/csv-table';

const DARTS_LIKE = "Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1)], normal_concat=range(2, 6))";

test('CSV cells with commas, quotes and CRLF round-trip', () => {
  const row = [DARTS_LIKE, 'say "hi"', 3.5, 'plain'];
  const text = formatCsvRow(row) + '\r\n' + formatCsvRow(['a', 'b', 'c', 'd']) + '\n\n';
  assert.deepEqual(parseCsv(text), [row.map(String), ['a', 'b', 'c', 'd']]);
  assert.throws(() => parseCsv('a,"b\n'), /line 1 is never closed/);
});

test('JSON and CSV forms round-trip, NaN accuracy as null / nan, extras kept', () => {
  const gt: GroundTruth = {
    format: 'nasctl-ground-truth',
    version: 1,
    metric: 'test_acc',
    space: 'darts',
    records: [
      { arch: DARTS_LIKE, accuracy: 94.1, extra: { params: 3.2 } },
      { arch: 'other', accuracy: NaN, extra: { params: 1 } },
    ],
  };
  const back = parseGroundTruthJson(formatGroundTruthJson(gt), 'x.json');
  assert.equal(back.records[0]?.arch, DARTS_LIKE);
  assert.ok(Number.isNaN(back.records[1]?.accuracy));
  assert.deepEqual(back.records[0]?.extra, { params: 3.2 });
  const csv = parseGroundTruthCsv(formatGroundTruthCsv(gt), 'x.csv', 'test_acc');
  assert.equal(csv.records[0]?.arch, DARTS_LIKE);
  assert.equal(csv.records[0]?.accuracy, 94.1);
  assert.ok(Number.isNaN(csv.records[1]?.accuracy));
  assert.deepEqual(csv.records[1]?.extra, { params: 1 });
  assert.deepEqual(groundTruthArchs({ ...gt, records: [...gt.records, gt.records[0] as GroundTruth['records'][number]] }), [DARTS_LIKE, 'other']);
});

test('bad files are rejected with the path of the problem and what to do', () => {
  assert.throws(() => parseGroundTruthCsv('name,acc\nx,1\n', 'g.csv'), (e: unknown) => e instanceof ConfigError && e.path === '/header' && /needs 'arch' and 'accuracy'.*found: name, acc/.test(e.message));
  assert.throws(() => parseGroundTruthCsv('arch,accuracy\nx,high\n', 'g.csv'), (e: unknown) => e instanceof ConfigError && e.path === '/rows/0/accuracy');
  assert.throws(() => parseGroundTruthCsv('arch,accuracy\nx,1,2\n', 'g.csv'), /quote cells that contain commas/);
  assert.throws(() => parseGroundTruthJson('[1,2]', 'g.json'), (e: unknown) => e instanceof ConfigError && e.path === '/format');
  assert.throws(() => parseGroundTruthJson('{"format":"nasctl-ground-truth","version":1,"metric":"m","records":[{"arch":3}]}', 'g.json'), (e: unknown) => e instanceof ConfigError && e.path === '/records/0/arch');
  assert.throws(() => parseGroundTruthJson('{oops', 'g.json'), /g\.json: not valid JSON/);
});

test('readGroundTruthFile picks the form by extension and names missing files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-gt-'));
  try {
    fs.writeFileSync(path.join(dir, 'g.csv'), 'arch,accuracy,flops\nx,91.5,12\n');
    const gt = readGroundTruthFile(path.join(dir, 'g.csv'));
    assert.deepEqual(gt.records, [{ arch: 'x', accuracy: 91.5, extra: { flops: 12 } }]);
    assert.throws(() => readGroundTruthFile(path.join(dir, 'none.json')), /cannot read ground truth .*none\.json/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
