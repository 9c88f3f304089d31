/**
 * Renders a value found in a config for an error message: JSON, abbreviated so one bad field
 * never floods the terminal. Pure; never throws (cycles and bigints degrade to String()).
 */
export function describeValue(value: unknown, maxLength = 60): string {
  let text: string;
  if (value === undefined) return 'nothing';
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length > maxLength) text = `${text.slice(0, maxLength - 1)}…`;
  return text;
}

/** JSON-ish type name of a value for "found a string" style messages. Pure. */
export function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
}
