import { NasctlError } from '../../daemon/errors';
import { DatasetError } from '../data/dataset-error';
import { CheckpointError } from '../train/checkpoint-error';

/** Exit code of a trial program whose input is bad (architecture, checkpoint, dataset, options). */
export const EXIT_BAD_INPUT = 2;

/** Whether `err` is a user-input error (exit 2, message only) rather than a bug (exit 1, stack). */
export function isInputError(err: unknown): boolean {
  return err instanceof CheckpointError || err instanceof DatasetError || err instanceof NasctlError || err instanceof RangeError || String((err as { code?: unknown } | null)?.code ?? '').startsWith('ERR_PARSE_ARGS');
}

/**
 * Runs a program's main function: on an input error prints `<program>: <message>` on stderr and
 * sets exit code 2 (the daemon records the stderr tail as the FAILED reason); on any other error
 * prints the stack and sets 1. `flush` is awaited either way so the last metrics arrive.
 */
export async function runProgram(name: string, main: () => Promise<void>, flush: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    const input = isInputError(err);
    const text = err instanceof Error ? (input ? err.message : (err.stack ?? err.message)) : String(err);
    process.stderr.write(`${name}: error: ${text}\n`);
    process.exitCode = input ? EXIT_BAD_INPUT : 1;
  } finally {
    await flush().catch(() => undefined);
  }
}
