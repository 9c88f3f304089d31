import type { Candidate } from '../tuner';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const rec = v as Record<string, unknown>;
    const keys = Object.keys(rec).filter((k) => rec[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(rec[k])}`).join(',')}}`;
  }
  if (typeof v === 'number' && Object.is(v, -0)) return '0';
  return JSON.stringify(v) ?? 'null';
}

/**
 * A stable string for a candidate: JSON with object keys sorted at every level, so two candidates
 * with the same values in a different key order get the same key. Used to dedupe proposals against
 * the history. Assumes JSON-like values (what trial parameters are); never throws.
 */
export function canonicalKey(candidate: Candidate): string {
  return canonical(candidate);
}
