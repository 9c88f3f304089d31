import type Ajv from 'ajv';
import { ConfigError } from '../errors';
import type { AlgorithmConfig } from './experiment-config';
import { didYouMean } from './nearest-name';
import { collectSchemaIssues, issuesToConfigError } from './schema-errors';

/** A registered tuner or assessor as the loader sees it: its name and the JSON Schema of its classArgs. */
export interface AlgorithmInfo {
  readonly name: string;
  readonly classArgsSchema: object;
}

/**
 * Resolves `tuner` / `assessor` of a schema-valid config against the registered algorithms: the
 * name is matched case-insensitively and replaced by the canonical name; classArgs (default {})
 * are validated against that algorithm's classArgsSchema, with the schema's defaults filled in.
 * Called by the loader after schema validation. Does not modify `given`.
 *
 * @param kind 'tuner' or 'assessor', which is also the JSON pointer root of errors.
 * @throws ConfigError at `/<kind>/name` for an unknown name (listing valid names and the nearest),
 *   at `/<kind>/classArgs/...` when classArgs do not fit the schema.
 */
export function matchAlgorithm(
  given: AlgorithmConfig, kind: 'tuner' | 'assessor', registry: ReadonlyArray<AlgorithmInfo>, ajv: Ajv,
): AlgorithmConfig {
  const wanted = given.name.toLowerCase();
  const info = registry.find((a) => a.name.toLowerCase() === wanted);
  if (info === undefined) {
    const names = registry.map((a) => a.name);
    if (names.length === 0) throw new ConfigError(`/${kind}/name`, `no ${kind}s are available in this nasctl; remove '${kind}'`);
    throw new ConfigError(`/${kind}/name`, `unknown ${kind} '${given.name}'${didYouMean(given.name, names)} (valid ${kind}s: ${names.join(', ')})`);
  }
  const classArgs: Record<string, unknown> = structuredClone(given.classArgs ?? {});
  const validate = ajv.compile(info.classArgsSchema);
  if (!validate(classArgs)) {
    const issues = collectSchemaIssues(validate.errors ?? [], { prefix: `/${kind}/classArgs`, rootSchema: info.classArgsSchema });
    throw issuesToConfigError(issues, ` (classArgs of ${kind} ${info.name})`);
  }
  return { name: info.name, classArgs };
}
