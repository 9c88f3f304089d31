import * as fs from 'node:fs';
import experimentSchema from './experiment.schema.json';
import searchSpaceSchema from './search-space.schema.json';
import { dotted, V1_FIELD_MAP } from './convert-v1';
import { listSchemaFields, resolveSchemaRef, type SchemaField, type SchemaNode } from './schema-fields';

/** The command that regenerates docs/config.md (also printed in the document). */
export const REGENERATE_COMMAND = 'npx tsc -p tsconfig.json && node dist/daemon/config/gen-config-docs.js docs/config.md';

const EXAMPLE = `experimentName: spos-search
searchSpaceFile: search_space.json      # e.g. written by \`nasctl ss_gen\`
trialCommand: node trial.js --checkpoint supernet.ckpt
trialCodeDirectory: .
trialConcurrency: 4
trialGpuNumber: 1
maxExperimentDuration: 2h
maxTrialNumber: 1000
tuner:
  name: Evolution
  classArgs: { optimize_mode: maximize, flopsLimit: 330e6 }
trainingService:
  platform: local
  gpuIndices: 0,1
  maxTrialNumberPerGpu: 2
  reuseMode: true`;

const SEARCH_SPACE_EXAMPLE = `{
  "LayerChoice1": { "_type": "layer_choice", "_value": ["shuffle3x3", "shuffle5x5", "shuffle7x7", "xception"] },
  "lr": { "_type": "loguniform", "_value": [0.0001, 0.1] },
  "_cost": {
    "base": { "flops": 20000000, "params": 300000 },
    "perChoice": { "LayerChoice1": { "shuffle3x3": { "flops": 1000000, "params": 2000 } } }
  }
}`;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** Short type of a schema node, e.g. "integer > 0", "string \| number", `"local"`. Pure. */
function typeText(node: SchemaNode, root: SchemaNode): string {
  const s = resolveSchemaRef(node, root);
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum !== undefined) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (s.anyOf !== undefined) return s.anyOf.map((a) => typeText(a, root)).join(' \\| ');
  let text = Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
  if (text === 'array' && s.items !== undefined) text = `list of ${typeText(s.items, root)}`;
  if (text === 'object' && typeof s.additionalProperties === 'object') text = `map of ${typeText(s.additionalProperties, root)}`;
  if (s.exclusiveMinimum !== undefined) text += ` > ${s.exclusiveMinimum}`;
  else if (s.minimum !== undefined) text += ` >= ${s.minimum}`;
  return text;
}

function fieldTable(fields: readonly SchemaField[], root: SchemaNode): string {
  const rows = fields.map((f) => {
    const def = f.schema.default === undefined ? '' : `\`${JSON.stringify(f.schema.default)}\``;
    return `| \`${f.path}\` | ${typeText(f.schema, root)} | ${f.required ? 'yes' : ''} | ${def} | ${cell(f.description)} |`;
  });
  return ['| Field | Type | Required | Default | Description |', '|---|---|---|---|---|', ...rows].join('\n');
}

function searchSpaceSection(): string {
  const root = searchSpaceSchema as SchemaNode;
  const parameter = resolveSchemaRef({ $ref: '#/definitions/parameter' }, root);
  const rows = (parameter.oneOf ?? []).map((branch) => {
    const tag = branch.properties?._type;
    const names = tag?.const !== undefined ? [tag.const] : (tag?.enum ?? []);
    const value = branch.properties?._value;
    const expected = value?.['x-expected'] ?? 'see description';
    return `| ${names.map((n) => `\`${String(n)}\``).join(', ')} | ${cell(expected)} | ${cell(branch.description ?? '')} |`;
  });
  const cost = resolveSchemaRef({ $ref: '#/definitions/costModel' }, root);
  return [
    '## Search space format',
    '',
    cell(root.description ?? ''),
    '',
    '| `_type` | `_value` | Meaning and example |',
    '|---|---|---|',
    ...rows,
    '',
    `\`_cost\` (optional): ${cell(cost.description ?? '')} Every key of \`perChoice\` must be a parameter of the space.`,
    '',
    'Example (a file given as `searchSpaceFile`):',
    '',
    '```json',
    SEARCH_SPACE_EXAMPLE,
    '```',
  ].join('\n');
}

function v1Section(): string {
  const rows = V1_FIELD_MAP.map((m) => {
    const v1 = `\`${dotted(m.v1)}\``;
    const v2 = m.v2 === '' ? '—' : `\`${dotted(m.v2)}\``;
    return `| ${v1} | ${v2} | ${cell(m.note ?? '')} |`;
  });
  return [
    '## NNI v1 configs',
    '',
    'A config with v1 keys (`authorName`, `trainingServicePlatform`, `searchSpacePath`, `trial`, `maxExecDuration`, `maxTrialNum`, ...) is converted to v2 as NNI\'s `to_v2` does, and one notice line says what changed. Errors name the v1 key you wrote.',
    '',
    '| v1 | v2 | Note |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

/**
 * Renders docs/config.md from experiment.schema.json, search-space.schema.json and the v1 mapping.
 * Called by the regenerate command and by the test that checks the committed file is current.
 * Pure: returns the markdown.
 */
export function renderConfigDocs(): string {
  const root = experimentSchema as SchemaNode;
  const fields = listSchemaFields(root);
  const top = fields.filter((f) => !f.path.includes('.'));
  const algorithm = fields.filter((f) => f.path.startsWith('tuner.') || f.path.startsWith('assessor.'));
  const variants = [...new Set(fields.filter((f) => f.variant !== '').map((f) => f.variant))];
  const parts = [
    '# Experiment config reference',
    '',
    `_Generated from \`daemon/config/experiment.schema.json\` and \`search-space.schema.json\` by \`daemon/config/gen-config-docs.ts\`; do not edit by hand. Regenerate with \`${REGENERATE_COMMAND}\` (a test fails when this page is stale)._`,
    '',
    cell(root.description ?? ''),
    '',
    'Errors name the field as a JSON pointer (e.g. `/trainingService/gpuIndices/1`), say what was expected and what was found, and suggest the nearest valid key for typos.',
    '',
    '```yaml',
    EXAMPLE,
    '```',
    '',
    '## Top-level fields',
    '',
    fieldTable(top, root),
    '',
    '## `tuner` and `assessor`',
    '',
    fieldTable(algorithm, root),
    '',
    ...variants.flatMap((v) => [`## \`trainingService\` (${v})`, '', fieldTable(fields.filter((f) => f.variant === v), root), '']),
    searchSpaceSection(),
    '',
    v1Section(),
    '',
  ];
  return parts.join('\n');
}

if (require.main === module) {
  const target = process.argv[2];
  const text = renderConfigDocs();
  if (target === undefined) process.stdout.write(text);
  else fs.writeFileSync(target, text);
}
