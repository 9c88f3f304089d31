import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archKey } from '../../../trial-runtime/supernets/arch-key';
import { createSupernet } from '../../../trial-runtime/supernets/registry';

test('architecture keys are the string forms ground truths use, and parse back to the same architecture', () => {
  for (const name of ['nb201', 'nds-resnet', 'nds-resnexta', 'darts', 'spos-cpu']) {
    const net = createSupernet(name);
    const space = net.searchSpace();
    const arch = Object.values(space).map((spec, i) => {
      const n = Array.isArray(spec._value) ? spec._value.length : 1;
      return i % n;
    });
    const key = archKey(net, arch);
    if (name === 'nb201') assert.match(key, /^\|.*~0\|/);
    if (name.startsWith('nds')) assert.match(key, /^OrderedDict\(/);
    if (name === 'darts') assert.match(key, /^Genotype\(normal=/);
    if (name === 'spos-cpu') assert.equal(key, JSON.stringify(arch));
    const back = name === 'spos-cpu' ? (JSON.parse(key) as number[]) : key;
    assert.deepEqual(net.parseArch(back), arch, `${name}: ${key}`);
  }
});
