import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importNb201Csv } from '../../../trial-runtime/ranking/nb201-ground-truth';
import { groundTruthArchs } from '../../../trial-runtime/ranking/ground-truth';
import { Nb201Supernet } from '../../../trial-runtime/supernets/nb201/nb201-supernet';
import { ConfigError } from '../../../daemon/errors';

/** The shared NB201 table: $NASCTL_SHARED_DIR or ../shared beside the repository. */
const DATA = path.join(process.env.NASCTL_SHARED_DIR ?? path.resolve(__dirname, '../../../../../shared'), 'data/nasbench201');

test('NB201 200-epoch table: 15625 archs keyed by arch string, chosen column, known optimum', () => {
  const gt = importNb201Csv(fs.readFileSync(path.join(DATA, 'nb201_200ep.csv'), 'utf8'), 'nb201_200ep.csv', { column: 'c10_test_v10', extraColumns: ['params_mb_analytic_c10'] });
  assert.equal(gt.records.length, 15625);
  assert.equal(gt.space, 'nb201');
  const best = gt.records.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  // shared/data README: max c10_test_v10 = 94.3733 at index 6111.
  assert.ok(Math.abs(best.accuracy - 94.3733) < 1e-3);
  assert.equal(best.extra?.nb201_index, 6111);
  const archs = groundTruthArchs(gt);
  assert.equal(archs.length, 15625);
  const net = new Nb201Supernet();
  for (const a of archs.slice(0, 50)) assert.equal(net.archString(a), a);
  assert.equal(gt.records[0]?.extra?.params_mb_analytic_c10, 0.129306);
});

test('NB201 12-epoch table and a missing column', () => {
  const text = fs.readFileSync(path.join(DATA, 'nb201_12ep.csv'), 'utf8');
  const gt = importNb201Csv(text, 'nb201_12ep.csv', { column: 'c10_valid_12ep' });
  assert.equal(gt.records[0]?.accuracy, 63.364);
  assert.throws(() => importNb201Csv(text, 'nb201_12ep.csv', { column: 'c10_test_v10' }), (e: unknown) => e instanceof ConfigError && e.path === '/column' && /columns: index, arch_str/.test(e.message));
});
