import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { BadRequestError } from '../errors';

/** A JSON Schema as shipped in daemon/api/schemas/ (only the parts this module reads are typed). */
export interface RequestSchema {
  $id: string;
  type?: unknown;
  properties?: Record<string, { type?: unknown; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** Where a validated value came from; used as the first segment of error paths ("query/limit"). */
export type RequestPart = 'body' | 'query' | 'payload';

/**
 * Compiles request schemas once and checks bodies / query strings against them.
 * Built by the composition of the API app (and of live events); holds no global state.
 */
export class RequestValidator {
  private readonly strictAjv: Ajv;
  private readonly coercingAjv: Ajv;

  constructor() {
    this.strictAjv = new Ajv({ allErrors: false, strict: true });
    this.coercingAjv = new Ajv({ allErrors: false, strict: true, coerceTypes: true });
    addFormats(this.strictAjv);
    addFormats(this.coercingAjv);
  }

  /**
   * Validates a JSON body (or socket.io payload) without type coercion and returns it typed.
   * Assumes `schema` describes `T`. Throws BadRequestError naming the first invalid field.
   */
  body<T>(schema: RequestSchema, value: unknown, part: RequestPart = 'body'): T {
    if (value === undefined) {
      throw new BadRequestError(part, `a JSON ${part} is required (send Content-Type: application/json)`);
    }
    const validate = this.compile(this.strictAjv, schema);
    if (!validate(value)) throw toBadRequest(part, validate.errors ?? []);
    return value as T;
  }

  /**
   * Validates an express query object (values are strings or repeated strings). Properties whose
   * schema type is "array" accept comma-separated lists (`status=A,B`) and repeats; numbers are
   * coerced from their text. Returns a new object typed as `T`. Throws BadRequestError.
   */
  query<T>(schema: RequestSchema, query: unknown): T {
    const input = (query ?? {}) as Record<string, unknown>;
    const normalized: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(input)) {
      const isArray = schema.properties?.[key]?.type === 'array';
      const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      if (isArray) {
        normalized[key] = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
      } else if (values.length > 1) {
        throw new BadRequestError(`query/${key}`, `given ${values.length} times; give it once`);
      } else {
        normalized[key] = values[0];
      }
    }
    const validate = this.compile(this.coercingAjv, schema);
    if (!validate(normalized)) throw toBadRequest('query', validate.errors ?? []);
    return normalized as T;
  }

  /** The validator of `schema`, compiled on first use (ajv keeps it under the schema's $id). */
  private compile(ajv: Ajv, schema: RequestSchema): ValidateFunction {
    return ajv.getSchema(schema.$id) ?? ajv.compile(schema);
  }
}

/** Turns the first ajv error into a BadRequestError whose path names the offending field. */
export function toBadRequest(part: RequestPart, errors: ErrorObject[]): BadRequestError {
  const err = errors[0];
  if (!err) return new BadRequestError(part, 'is invalid');
  let path = `${part}${err.instancePath}`;
  let message = err.message ?? 'is invalid';
  if (err.keyword === 'required') {
    path += `/${String(err.params.missingProperty)}`;
    message = 'is required';
  } else if (err.keyword === 'additionalProperties') {
    path += `/${String(err.params.additionalProperty)}`;
    message = 'is not a known field; remove it (see docs/rest-api.md)';
  } else if (err.keyword === 'enum') {
    message = `must be one of ${(err.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (err.keyword === 'minProperties') {
    message = 'must contain at least one field';
  }
  return new BadRequestError(path, message);
}
