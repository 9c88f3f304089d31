import { SingleBar, Presets } from 'cli-progress';

/** Where a training loop shows its progress. Called from the loop only; never throws. */
export interface ProgressSink {
  /** An epoch of `total` steps starts (`label` e.g. "epoch 3/10"). */
  start(label: string, total: number): void;
  /** `done` steps of the current epoch are complete; running loss and accuracy so far. */
  update(done: number, loss: number, accuracy: number): void;
  /** The epoch ended; `summary` is its one-line result. */
  end(summary: string): void;
}

/** A progress bar (cli-progress) for interactive terminals; writes to `stream`. */
export function barProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  let bar: SingleBar | undefined;
  return {
    start(label, total) {
      bar = new SingleBar({ stream, format: `${label} [{bar}] {value}/{total} loss {loss} acc {acc} | {eta_formatted}`, hideCursor: false }, Presets.shades_classic);
      bar.start(total, 0, { loss: '-', acc: '-' });
    },
    update(done, loss, accuracy) {
      bar?.update(done, { loss: loss.toFixed(4), acc: accuracy.toFixed(4) });
    },
    end(summary) {
      bar?.stop();
      bar = undefined;
      stream.write(summary + '\n');
    },
  };
}

/**
 * Plain lines for logs (trial output files are not terminals): a line every `every` steps and
 * one per epoch, through `write`.
 */
export function lineProgress(write: (line: string) => void, every = 50): ProgressSink {
  let label = '';
  let total = 0;
  return {
    start(l, t) {
      label = l;
      total = t;
    },
    update(done, loss, accuracy) {
      if (done % every === 0 && done < total) write(`${label} step ${done}/${total} loss ${loss.toFixed(4)} acc ${accuracy.toFixed(4)}`);
    },
    end(summary) {
      write(summary);
    },
  };
}

/** Bar on a TTY stderr, plain lines to stdout otherwise. */
export function defaultProgress(): ProgressSink {
  return process.stderr.isTTY ? barProgress(process.stderr) : lineProgress((l) => void process.stdout.write(l + '\n'));
}

/** Discards everything (tests). */
export const silentProgress: ProgressSink = { start() {}, update() {}, end() {} };
