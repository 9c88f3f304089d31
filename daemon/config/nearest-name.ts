import { distance } from 'fastest-levenshtein';

/**
 * Finds the valid name closest to a misspelt one, for "did you mean" hints. Called when a config
 * has an unknown key or an unknown tuner/platform/_type name. Comparison is case-insensitive; a
 * candidate is only suggested when it is plausibly a typo (edit distance at most a third of the
 * longer name, and at most 4), so "foo" never suggests "trialConcurrency". Pure.
 *
 * @returns the best candidate, or undefined when none is close enough (or `candidates` is empty).
 */
export function nearestName(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const hay = candidate.toLowerCase();
    let d = distance(needle, hay);
    // A prefix/suffix of a long key ("concurrency" for "trialConcurrency") is also a likely intent.
    if (d > 0 && hay.length >= 6 && needle.length >= 6 && (hay.includes(needle) || needle.includes(hay))) {
      d = Math.min(d, 2);
    }
    const limit = Math.min(4, Math.max(1, Math.floor(Math.max(needle.length, hay.length) / 3)));
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** "did you mean 'x'?" suffix, or '' when nothing is close. Pure. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const near = nearestName(input, candidates);
  return near === undefined ? '' : `; did you mean '${near}'?`;
}
