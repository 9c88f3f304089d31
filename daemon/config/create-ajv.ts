import Ajv from 'ajv';

/** Options of {@link createConfigAjv}. */
export interface ConfigAjvOptions {
  /** Fill `default` values of the schema into the data (used for tuner classArgs). */
  useDefaults?: boolean;
  /** Reject unknown keywords in schemas (true for nasctl's own schemas; false for tuners' schemas). */
  strict?: boolean;
}

/**
 * Creates the ajv instance used for config, search space and classArgs validation. Called once
 * per validation run (cheap enough: schemas compile in milliseconds), so nothing is shared between
 * callers. Options: every error is collected (the error reporter picks the most useful one),
 * errors carry the failing schema and data (`verbose`), `discriminator` picks the oneOf branch by
 * `platform` / `_type`, and the annotation keyword `x-expected` (a human phrase of what a field
 * accepts) is allowed in schemas.
 */
export function createConfigAjv(options: ConfigAjvOptions = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    discriminator: true,
    strict: options.strict ?? true,
    strictTypes: false,
    strictRequired: false,
    useDefaults: options.useDefaults ?? false,
  });
  ajv.addVocabulary(['x-expected']);
  return ajv;
}
