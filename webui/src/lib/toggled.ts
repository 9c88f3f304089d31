/** A copy of `set` with `x` removed when present, else added (for React state updates). Pure. */
export function toggled<T>(set: ReadonlySet<T>, x: T): Set<T> {
  const n = new Set(set);
  if (n.has(x)) n.delete(x);
  else n.add(x);
  return n;
}
