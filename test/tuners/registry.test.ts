import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinTuners, findTuner } from '../../tuners/registry';

describe('tuner registry', () => {
  it('finds built-in tuners case-insensitively', () => {
    assert.equal(findTuner('random')?.name, 'Random');
    assert.equal(findTuner('GRIDSEARCH')?.name, 'GridSearch');
    assert.equal(findTuner('evolution')?.name, 'Evolution');
    assert.equal(findTuner('regularizedevolution')?.name, 'RegularizedEvolution');
    assert.equal(findTuner('nope'), undefined);
  });
  it('lists unique names with object schemas', () => {
    const names = builtinTuners().map((f) => f.name.toLowerCase());
    assert.equal(new Set(names).size, names.length);
    for (const f of builtinTuners()) assert.equal((f.classArgsSchema as { additionalProperties?: boolean }).additionalProperties, false);
  });
});
