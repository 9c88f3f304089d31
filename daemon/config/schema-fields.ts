/** The parts of a JSON Schema node that docs rendering reads. */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  discriminator?: { propertyName: string };
  'x-expected'?: string;
}

/** One documented field: where it is, its (resolved) schema, and the variant it belongs to. */
export interface SchemaField {
  /** Dotted path, e.g. "trainingService.gpuIndices". */
  path: string;
  schema: SchemaNode;
  /** Description from the property itself (wins over the referenced schema's). */
  description: string;
  required: boolean;
  /** For fields inside a discriminated branch: e.g. "platform: slurm"; '' otherwise. */
  variant: string;
}

/**
 * Resolves a local `$ref` ("#/definitions/x") against the root schema. Pure.
 * @throws Error when the reference does not exist (a bug in the schema file).
 */
export function resolveSchemaRef(node: SchemaNode, root: SchemaNode): SchemaNode {
  if (node.$ref === undefined) return node;
  let target: unknown = root;
  for (const part of node.$ref.replace(/^#\//, '').split('/')) {
    target = target !== null && typeof target === 'object' ? (target as Record<string, unknown>)[part] : undefined;
  }
  if (target === undefined || target === null || typeof target !== 'object') throw new Error(`schema reference ${node.$ref} does not exist`);
  return { ...(target as SchemaNode), ...node, $ref: undefined };
}

/**
 * Lists every property of a config schema, depth first in schema order, descending into
 * `properties`, `$ref`s and discriminated `oneOf` branches (each branch's fields tagged with its
 * variant). Called by the docs generator and by the test that checks the docs cover every field.
 * Pure.
 */
export function listSchemaFields(root: SchemaNode): SchemaField[] {
  const out: SchemaField[] = [];
  walk(root, '', '', out, root);
  return out;
}

function walk(node: SchemaNode, prefix: string, variant: string, out: SchemaField[], root: SchemaNode): void {
  const resolved = resolveSchemaRef(node, root);
  for (const [name, child] of Object.entries(resolved.properties ?? {})) {
    const schema = resolveSchemaRef(child, root);
    const path = prefix === '' ? name : `${prefix}.${name}`;
    out.push({ path, schema, description: child.description ?? schema.description ?? '', required: resolved.required?.includes(name) ?? false, variant });
    walk(schema, path, variant, out, root);
  }
  const tag = resolved.discriminator?.propertyName;
  if (tag !== undefined) {
    for (const branch of resolved.oneOf ?? []) {
      const b = resolveSchemaRef(branch, root);
      const tagSchema = b.properties?.[tag];
      const value = tagSchema?.const ?? tagSchema?.enum?.join('|') ?? '?';
      walk(b, prefix, `${tag}: ${String(value)}`, out, root);
    }
  }
}
