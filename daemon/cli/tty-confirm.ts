import { createInterface } from 'node:readline/promises';

/**
 * Asks a yes/no question on the terminal (stdin/stderr); resolves true for "y" or "yes".
 * Used by main as the default `confirm` when stdin is a TTY. Never throws (false on EOF).
 */
export async function ttyConfirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
