import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinSpaces, createSupernet } from '../../../trial-runtime/supernets/registry';
import { ConfigError } from '../../../daemon/errors';

test('every built-in space can be created and describes its search space', () => {
  const names = builtinSpaces().map((s) => s.name);
  assert.deepEqual(names, ['spos', 'spos-cpu', 'nds-resnet', 'nds-resnexta', 'nb201', 'darts']);
  const keys = names.map((n) => Object.keys(createSupernet(n).searchSpace()).length);
  assert.deepEqual(keys, [20, 10, 6, 12, 6, 32]);
  assert.equal(createSupernet('spos-cpu').name, 'spos-cpu');
  assert.deepEqual(createSupernet('spos-cpu', { numClasses: 3 }).numClasses, 3);
});

test('unknown space names list the valid ones', () => {
  assert.throws(() => createSupernet('nope'), (e: unknown) => e instanceof ConfigError && e.path === '/space' && /nb201/.test(e.message) && /darts/.test(e.message));
});
