import * as path from 'node:path';
import type { ExperimentConfig } from '../config/experiment-config';

/**
 * Splits a shell command line into words, honouring single and double quotes and backslashes
 * (enough to find an option's value; no expansion). Pure.
 */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) cur += command[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/**
 * The checkpoint folder of an experiment: `checkpointDirectory` when the config names one (already
 * absolute), else the value of `--checkpoint-dir X` / `--checkpoint-dir=X` in trialCommand resolved
 * against trialCodeDirectory (where the trial runs), else null (not a supernet-training
 * experiment). Called when an experiment starts and by the REST routes. Pure.
 */
export function checkpointDirectoryOf(config: Pick<ExperimentConfig, 'checkpointDirectory' | 'trialCommand' | 'trialCodeDirectory'>): string | null {
  if (config.checkpointDirectory) return config.checkpointDirectory;
  const words = shellWords(config.trialCommand);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '--checkpoint-dir' && i + 1 < words.length) return path.resolve(config.trialCodeDirectory, words[i + 1] as string);
    if (w.startsWith('--checkpoint-dir=')) return path.resolve(config.trialCodeDirectory, w.slice('--checkpoint-dir='.length));
  }
  return null;
}
