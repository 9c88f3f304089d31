import type { ErrorObject } from 'ajv';
import { ConfigError } from '../errors';
import { describeValue, typeOfValue } from './describe-value';
import { didYouMean, nearestName } from './nearest-name';

/** One readable validation problem: the JSON pointer of the field and what is wrong with it. */
export interface SchemaIssue {
  /** JSON pointer of the offending field, including the caller's prefix. */
  path: string;
  message: string;
  /** 0 = unknown key, 1 = bad value, 2 = missing key: lower is reported first. */
  rank: number;
}

/** What the reporter needs besides ajv's errors. */
export interface SchemaErrorContext {
  /** Prepended to every instance path (e.g. "/tuner/classArgs", "/searchSpace"). */
  prefix: string;
  /** The root schema the errors came from, to resolve `$ref`s of discriminator branches. */
  rootSchema: object;
  /** Optional extra hint for an unknown key (path without prefix, key); e.g. "it is a slurm setting". */
  unknownKeyHint?: (parentPath: string, key: string) => string | undefined;
}

type SchemaObject = Record<string, unknown>;

const COMBINATORS = new Set(['anyOf', 'oneOf']);

/**
 * Turns ajv's raw errors (from a validator created by createConfigAjv: allErrors + verbose) into
 * readable issues, most useful first: alternatives (anyOf/oneOf) collapse to their most specific
 * failure, an unknown key that looks like a misspelt missing key replaces the "missing" issue.
 * Called right after a failed `validate(data)`. Pure; never throws.
 */
export function collectSchemaIssues(errors: readonly ErrorObject[], ctx: SchemaErrorContext): SchemaIssue[] {
  const combinators = errors.filter((e) => COMBINATORS.has(e.keyword));
  const isNestedIn = (e: ErrorObject, c: ErrorObject): boolean =>
    e !== c &&
    e.schemaPath.startsWith(`${c.schemaPath}/`) &&
    (e.instancePath === c.instancePath || e.instancePath.startsWith(`${c.instancePath}/`));
  const outermost = combinators.filter((c) => !combinators.some((o) => isNestedIn(c, o)));
  const issues: SchemaIssue[] = [];
  for (const e of errors) {
    const group = outermost.find((c) => c === e || isNestedIn(e, c));
    if (group === undefined) {
      issues.push(renderError(e, ctx));
    } else if (group === e) {
      const nested = errors.filter((n) => !COMBINATORS.has(n.keyword) && isNestedIn(n, e));
      issues.push(renderAlternatives(e, nested, ctx));
    }
  }
  return prioritize(dedupe(issues));
}

/**
 * Builds the single ConfigError thrown for a list of issues: `path` names the first issue and
 * the message lists up to four more. `suffix` (e.g. " (in file x.json)") is appended to the first.
 * Assumes `issues` is non-empty.
 */
export function issuesToConfigError(issues: readonly SchemaIssue[], suffix = ''): ConfigError {
  const [first, ...rest] = issues;
  if (first === undefined) return new ConfigError('', `invalid config${suffix}`);
  let message = `${first.message}${suffix}`;
  if (rest.length > 0) {
    const shown = rest.slice(0, 4).map((i) => `${i.path}: ${i.message}`);
    const more = rest.length > 4 ? `; and ${rest.length - 4} more` : '';
    message += ` (also: ${shown.join('; ')}${more})`;
  }
  return new ConfigError(first.path, message);
}

/** Escapes one JSON pointer segment (RFC 6901). Pure. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length - 1;
}

/** The pointer an error is really about (a missing or unknown key points at the key itself). */
function errorPointer(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return `${e.instancePath}/${escapePointer(String(p.missingProperty))}`;
  if (e.keyword === 'additionalProperties') return `${e.instancePath}/${escapePointer(String(p.additionalProperty))}`;
  if (e.keyword === 'discriminator') return `${e.instancePath}/${escapePointer(String(p.tag))}`;
  return e.instancePath;
}

function renderAlternatives(c: ErrorObject, nested: ErrorObject[], ctx: SchemaErrorContext): SchemaIssue {
  const ownDepth = depth(c.instancePath);
  const deeper = nested.filter((e) => depth(errorPointer(e)) > ownDepth && e.keyword !== 'type');
  const specific = deeper.length > 0 ? deeper : nested.filter((e) => depth(errorPointer(e)) > ownDepth);
  if (specific.length > 0) {
    const best = specific.reduce((a, b) => (depth(errorPointer(b)) > depth(errorPointer(a)) ? b : a));
    return renderError(best, ctx);
  }
  const expected = expectedText(c.parentSchema);
  if (expected !== undefined) {
    return { path: ctx.prefix + c.instancePath, message: `expected ${expected}; found ${describeValue(c.data)}`, rank: 1 };
  }
  const parts = [...new Set(nested.map((e) => renderError(e, ctx).message))];
  const message = parts.length > 0 ? parts.join(', or ') : (c.message ?? 'is invalid');
  return { path: ctx.prefix + c.instancePath, message, rank: 1 };
}

function expectedText(schema: unknown): string | undefined {
  if (schema !== null && typeof schema === 'object') {
    const text = (schema as SchemaObject)['x-expected'];
    if (typeof text === 'string') return text;
  }
  return undefined;
}

function firstSentence(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(.*?[.!?])(\s|$)/.exec(text);
  return (m?.[1] ?? text).replace(/\.$/, '');
}

function resolveRef(schema: unknown, root: object): SchemaObject | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const ref = (schema as SchemaObject).$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema as SchemaObject;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    node = node !== null && typeof node === 'object' ? (node as SchemaObject)[part] : undefined;
  }
  return node !== null && typeof node === 'object' ? (node as SchemaObject) : undefined;
}

/** Values a discriminator tag may take, from the oneOf branches' const/enum. */
function discriminatorValues(schema: unknown, tag: string, root: object): string[] {
  const values: string[] = [];
  const branches = (schema as SchemaObject | undefined)?.oneOf;
  if (!Array.isArray(branches)) return values;
  for (const branch of branches) {
    const props = resolveRef(branch, root)?.properties as Record<string, SchemaObject> | undefined;
    const tagSchema = props?.[tag];
    if (typeof tagSchema?.const === 'string') values.push(tagSchema.const);
    if (Array.isArray(tagSchema?.enum)) values.push(...tagSchema.enum.map(String));
  }
  return values;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  null: 'null',
};

function quoteList(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? `'${v}'` : describeValue(v))).join(', ');
}

function renderError(e: ErrorObject, ctx: SchemaErrorContext): SchemaIssue {
  const p = e.params as Record<string, unknown>;
  const path = ctx.prefix + errorPointer(e);
  const found = `found ${describeValue(e.data)}`;
  const parent = e.parentSchema as SchemaObject | undefined;
  switch (e.keyword) {
    case 'required': {
      const key = String(p.missingProperty);
      const props = parent?.properties as Record<string, SchemaObject> | undefined;
      const desc = firstSentence(props?.[key]?.description);
      return { path, message: `missing required key '${key}'${desc ? ` (${desc})` : ''}`, rank: 2 };
    }
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const valid = Object.keys((parent?.properties as SchemaObject | undefined) ?? {});
      const hint = ctx.unknownKeyHint?.(e.instancePath, key);
      let message = `unknown key '${key}'${didYouMean(key, valid)}`;
      if (hint !== undefined) message += ` (${hint})`;
      else if (nearestName(key, valid) === undefined && valid.length > 0) message += ` (valid keys: ${valid.join(', ')})`;
      return { path, message, rank: 0 };
    }
    case 'type': {
      const types = Array.isArray(p.type) ? p.type.map(String) : String(p.type).split(',');
      const words = types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      return { path, message: `expected ${words}, ${found} (${typeOfValue(e.data)})`, rank: 1 };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const what = parent?.type === 'integer' ? 'an integer' : 'a number';
      return { path, message: `expected ${what} ${String(p.comparison)} ${String(p.limit)}, ${found}`, rank: 1 };
    }
    case 'minItems':
      return { path, message: `expected ${expectedText(parent) ?? `at least ${String(p.limit)} item(s)`}; ${found}`, rank: 1 };
    case 'maxItems':
      return { path, message: `expected ${expectedText(parent) ?? `at most ${String(p.limit)} item(s)`}; ${found}`, rank: 1 };
    case 'uniqueItems':
      return { path, message: `items must be distinct, but items ${String(p.j)} and ${String(p.i)} are equal; ${found}`, rank: 1 };
    case 'minLength':
      return { path, message: `expected a non-empty string, ${found}`, rank: 1 };
    case 'enum': {
      const allowed = Array.isArray(p.allowedValues) ? p.allowedValues : [];
      const near = typeof e.data === 'string' ? didYouMean(e.data, allowed.map(String)) : '';
      return { path, message: `expected one of ${quoteList(allowed)}; ${found}${near}`, rank: 1 };
    }
    case 'const':
      return { path, message: `expected ${quoteList([p.allowedValue])}; ${found}`, rank: 1 };
    case 'pattern':
      return { path, message: `expected ${expectedText(parent) ?? `a string matching /${String(p.pattern)}/`}; ${found}`, rank: 1 };
    case 'discriminator': {
      const tag = String(p.tag);
      const values = discriminatorValues(parent, tag, ctx.rootSchema);
      const value = p.tagValue;
      if (value === undefined) {
        return { path, message: `missing required key '${tag}' (one of ${quoteList(values)})`, rank: 2 };
      }
      const near = typeof value === 'string' ? didYouMean(value, values) : '';
      return { path, message: `unsupported ${tag} ${describeValue(value)}; expected one of ${quoteList(values)}${near}`, rank: 1 };
    }
    default:
      return { path, message: `${e.message ?? 'is invalid'}; ${found}`, rank: 1 };
  }
}

/** Drops repeated issues; of several "missing" issues for one key, keeps the most informative. */
function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const kept = new Map<string, SchemaIssue>();
  for (const i of issues) {
    const key = i.rank === 2 ? `${i.path}\u0000missing` : `${i.path}\u0000${i.message}`;
    const previous = kept.get(key);
    if (previous === undefined) kept.set(key, i);
    else if (i.message.length > previous.message.length) previous.message = i.message;
  }
  return [...kept.values()];
}

/** Stable sort by rank; a missing key explained by a misspelt unknown sibling is dropped. */
function prioritize(issues: SchemaIssue[]): SchemaIssue[] {
  const explained = new Set<string>();
  for (const i of issues) {
    const m = /did you mean '([^']+)'\?/.exec(i.message);
    if (i.rank === 0 && m) explained.add(`${i.path.slice(0, i.path.lastIndexOf('/'))}/${m[1]}`);
  }
  return issues
    .filter((i) => !(i.rank === 2 && explained.has(i.path)))
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => a.issue.rank - b.issue.rank || a.index - b.index)
    .map((x) => x.issue);
}
