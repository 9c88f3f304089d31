/**
 * The complete lines of an append-only JSON-lines file read in one go (a file channel's
 * `replies.jsonl` or `messages.jsonl`): a trailing line without its newline is still being
 * written (or was left unfinished) and is not a line yet. Pure.
 */

/** The lines of `data` up to its last newline, without empty ones. */
export function completeLines(data: Buffer): string[] {
  const end = data.lastIndexOf(0x0a) + 1;
  if (end === 0) return [];
  return data.subarray(0, end).toString('utf8').split('\n').filter((line) => line !== '');
}
