import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BadRequestError } from '../../../daemon/errors';
import { runGroundTruth } from '../../../trial-runtime/ranking/ground-truth-program';
import { readGroundTruthFile } from '../../../trial-runtime/ranking/ground-truth';

const DATA = path.join(process.env.NASCTL_SHARED_DIR ?? path.resolve(__dirname, '../../../../../shared'), 'data/nasbench201');

test('import NB201 and NDS tables, then list their architectures for eval-arch', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-gt-prog-'));
  const io = { stdout: () => undefined, stderr: () => undefined };
  try {
    const nb = path.join(dir, 'nb201.csv');
    runGroundTruth(['import-nb201', path.join(DATA, 'nb201_12ep.csv'), '--column', 'c10_valid_12ep', '--out', nb], io);
    assert.equal(readGroundTruthFile(nb).records.length, 15625);
    const nds = path.join(dir, 'ResNet.json');
    const rec = (d: number, err: number): unknown => ({ net: { ds: [1, d, d, d], ws: [16, 16, 32, 64] }, test_ep_top1: [err], min_test_top1: err });
    fs.writeFileSync(nds, JSON.stringify([rec(1, 10), rec(2, 8)]));
    const gt = path.join(dir, 'nds.json');
    runGroundTruth(['import-nds', nds, '--kind', 'resnet', '--out', gt], io);
    const archs = path.join(dir, 'archs.txt');
    runGroundTruth(['list', gt, '--out', archs], io);
    const lines = fs.readFileSync(archs, 'utf8').trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[1] as string, /^OrderedDict\(\[\('depths\.0', 2\)/);
    assert.throws(() => runGroundTruth(['import-nds', nds, '--kind', 'vgg', '--out', gt], io), (e: unknown) => e instanceof BadRequestError && e.path === '/kind');
    assert.throws(() => runGroundTruth(['frobnicate', nds], io), /unknown command 'frobnicate'/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
