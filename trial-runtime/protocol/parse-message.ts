/**
 * Parses one protocol line into a typed message, validated against the JSON Schemas next to this
 * file. Used by the daemon for every line a trial sends, and by the SDK for what the daemon sends.
 * Never throws: a bad line is an ordinary, reportable event.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import trialToDaemonSchema from './trial-to-daemon.schema.json';
import daemonToTrialSchema from './daemon-to-trial.schema.json';
import type { DaemonToTrial, TrialToDaemon } from './messages';

/** Outcome of parsing one line. `error` says what was wrong, for logs and the trial's malformed count. */
export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

interface Validators {
  trialToDaemon: ValidateFunction<TrialToDaemon>;
  daemonToTrial: ValidateFunction<DaemonToTrial>;
}

/** Compiled on first use (nothing happens on import), then shared: compiling is the slow part. */
let compiled: Validators | undefined;

function validators(): Validators {
  if (compiled === undefined) {
    const ajv = new Ajv({ discriminator: true, allErrors: false, strict: false });
    compiled = {
      trialToDaemon: ajv.compile<TrialToDaemon>(trialToDaemonSchema),
      daemonToTrial: ajv.compile<DaemonToTrial>(daemonToTrialSchema),
    };
  }
  return compiled;
}

/**
 * Parses a line a trial sent (without its newline). Called by training services for every
 * channel line. Returns `{ok:false}` for non-JSON, non-objects and schema violations.
 */
export function parseTrialMessage(line: string): ParseResult<TrialToDaemon> {
  return parseWith(line, validators().trialToDaemon);
}

/** Parses a line the daemon sent (without its newline). Called by the trial SDK. */
export function parseDaemonMessage(line: string): ParseResult<DaemonToTrial> {
  return parseWith(line, validators().daemonToTrial);
}

function parseWith<T>(line: string, validate: ValidateFunction<T>): ParseResult<T> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message}); each line must be one JSON object` };
  }
  if (validate(value)) return { ok: true, message: value };
  return { ok: false, error: describeErrors(validate.errors) };
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'message does not match the protocol schema';
  const first = errors[0]!;
  const where = first.instancePath === '' ? 'message' : first.instancePath;
  if (first.keyword === 'discriminator') {
    return `${where}: field "type" is missing or not a known message type; see docs/protocol.md`;
  }
  if (first.keyword === 'additionalProperties') {
    const extra = (first.params as { additionalProperty?: string }).additionalProperty;
    return `${where}: unknown field "${extra ?? '?'}"`;
  }
  if (first.keyword === 'enum') {
    const allowed = (first.params as { allowedValues?: unknown[] }).allowedValues;
    return `${where} must be one of ${JSON.stringify(allowed)}`;
  }
  return `${where} ${first.message ?? 'is invalid'}`;
}
