import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importNdsRecords } from '../../../trial-runtime/ranking/nds-ground-truth';
import { NdsSupernet } from '../../../trial-runtime/supernets/nds/nds-supernet';
import { ConfigError } from '../../../daemon/errors';

/** A record in the shape of NDS's ResNet.json / ResNeXt-A.json (errors in percent). */
function record(ds: number[], ws: number[], minErr: number, testErr: number[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    net: { block_type: 'res_basic_block', stem_type: 'res_stem_cifar', stem_w: 16, ds: [1, ...ds], ws: [16, ...ws], ss: [1, 1, 2, 2], ...extra },
    optim: { base_lr: 0.1, max_ep: 100 },
    params: 0.5,
    flops: 70.2,
    train_ep_top1: [80, 50, 20],
    test_ep_top1: testErr,
    min_test_top1: minErr,
  };
}

test('ResNet records: genotype keys the NDS supernet parses, accuracy = 100 - min error, seeds averaged', () => {
  const seed1 = [record([1, 2, 4], [16, 32, 64], 8, [30, 10, 9]), record([2, 2, 2], [24, 24, 24], 12, [30, 14, 13])];
  const seed2 = [record([1, 2, 4], [16, 32, 64], 10, [30, 12, 11])];
  const gt = importNdsRecords(
    [
      { where: 'ResNet_rng1.json', records: seed1 },
      { where: 'ResNet_rng2.json', records: seed2 },
    ],
    { kind: 'resnet' },
  );
  assert.equal(gt.space, 'nds-resnet');
  assert.equal(gt.records.length, 2);
  const first = gt.records[0];
  assert.equal(first?.arch, "OrderedDict([('depths.0', 1), ('depths.1', 2), ('depths.2', 4), ('widths.0', 16), ('widths.1', 32), ('widths.2', 64)])");
  assert.equal(first?.accuracy, 91); // mean of 92 and 90
  assert.deepEqual(first?.extra, { seeds: 2, params: 0.5, flops: 70.2 });
  const net = new NdsSupernet('resnet');
  for (const r of gt.records) assert.equal(net.genotype(r.arch), r.arch);
  const last = importNdsRecords([{ where: 'r.json', records: seed1 }], { kind: 'resnet', accuracy: 'last' });
  assert.equal(last.records[0]?.accuracy, 91);
});

test('ResNeXt-A records carry bottleneck multipliers and group counts', () => {
  const r = record([1, 1, 2], [32, 64, 128], 7, [7], { bot_muls: [0, 0.25, 0.5, 1], num_gs: [1, 2, 1, 4] });
  const gt = importNdsRecords([{ where: 'ResNeXt-A.json', records: [r] }], { kind: 'resnexta' });
  const net = new NdsSupernet('resnexta');
  assert.equal(net.genotype(gt.records[0]?.arch as string), gt.records[0]?.arch);
  assert.match(gt.records[0]?.arch ?? '', /\('bot_muls\.0', 0\.25\).*\('num_groups\.2', 4\)/);
});

test('malformed NDS data names the record and field', () => {
  assert.throws(() => importNdsRecords([{ where: 'x.json', records: {} }], { kind: 'resnet' }), /must be a JSON list/);
  assert.throws(() => importNdsRecords([{ where: 'x.json', records: [{ net: { ds: [1, 2], ws: [1, 2, 3, 4] } }] }], { kind: 'resnet' }), (e: unknown) => e instanceof ConfigError && e.path === '/net/ds' && /record 0/.test(e.message));
  assert.throws(() => importNdsRecords([{ where: 'x.json', records: [{ ...record([1, 1, 1], [16, 16, 16], 1, [1]), min_test_top1: 'a' }] }], { kind: 'resnet' }), /min_test_top1/);
});
