import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import experimentSchema from '../../../daemon/config/experiment.schema.json';
import { REGENERATE_COMMAND, renderConfigDocs } from '../../../daemon/config/gen-config-docs';
import { listSchemaFields, type SchemaNode } from '../../../daemon/config/schema-fields';
import { V1_FIELD_MAP } from '../../../daemon/config/convert-v1';

// dist/test/daemon/config -> repository root
const DOC = path.resolve(__dirname, '../../../../docs/config.md');

describe('docs/config.md', () => {
  const committed = fs.readFileSync(DOC, 'utf8');

  it('is what gen-config-docs renders (regenerate if this fails)', () => {
    assert.equal(committed, renderConfigDocs(), `docs/config.md is stale; run: ${REGENERATE_COMMAND}`);
  });

  it('documents every property of the schema, with a description', () => {
    const fields = listSchemaFields(experimentSchema as SchemaNode);
    assert.ok(fields.length > 30, `only ${fields.length} fields found`);
    for (const f of fields) {
      assert.ok(committed.includes(`| \`${f.path}\` |`), `docs/config.md lacks ${f.path}`);
      assert.ok(f.description.length > 0, `schema property ${f.path} has no description`);
    }
    for (const name of ['trainingService.gpuIndices', 'trainingService.sbatchArgs', 'tuner.classArgs', 'maxRetries']) {
      assert.ok(fields.some((f) => f.path === name), `walker missed ${name}`);
    }
  });

  it('includes the v1 conversion table, every search space type and how to regenerate', () => {
    for (const m of V1_FIELD_MAP) assert.ok(committed.includes(`\`${m.v1.slice(1).replace(/\//g, '.')}\``), m.v1);
    for (const t of ['choice', 'layer_choice', 'input_choice', 'randint', 'uniform', 'loguniform', 'quniform', 'qloguniform', 'normal', 'lognormal', 'qnormal', 'qlognormal']) {
      assert.ok(committed.includes(`\`${t}\``), t);
    }
    assert.ok(committed.includes(REGENERATE_COMMAND));
  });
});
