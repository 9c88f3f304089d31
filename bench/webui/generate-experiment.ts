import { mkdirSync } from 'node:fs';
import { openSqliteStore } from '../../daemon/store/sqlite-store';
import { experimentDir, experimentDbPath, trialDir } from '../../daemon/store/experiment-files';
import type { ExperimentConfig } from '../../daemon/config/experiment-config';
import type { SearchSpace } from '../../tuners/search-space';
import type { TrialParameters } from '../../trial-runtime/protocol/messages';

/** What to generate. */
export interface GenerateOptions {
  home: string;
  id: string;
  trials: number;
  intermediates: number;
  /** Folder with the trial command's script (used if the experiment is resumed). */
  codeDir: string;
  trialCommand: string;
  layers?: number;
  /** Called every 5,000 trials with the count so far. */
  progress?: (done: number) => void;
}

const OPS = ['conv3x3', 'conv5x5', 'sep_conv3x3', 'maxpool3x3', 'identity'];

/** Deterministic pseudo-random in [0, 1) (mulberry32), so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes a STOPPED experiment with `trials` finished trials (95% SUCCEEDED, 5% FAILED), each with
 * `intermediates` intermediate metrics and a final dict metric {default, flops}, straight into
 * <home>/experiments/<id>/experiment.db through the SQLite store. Returns the search space.
 * Throws what the store throws (StoreError, ConflictError when the experiment exists).
 */
export function generateExperiment(o: GenerateOptions): SearchSpace {
  const layers = o.layers ?? 20;
  const space: SearchSpace = {};
  for (let l = 0; l < layers; l++) space[`layer${l}`] = { _type: 'layer_choice', _value: OPS };
  const config: ExperimentConfig = {
    experimentName: `bench-${o.trials}`,
    searchSpace: space,
    trialCommand: o.trialCommand,
    trialCodeDirectory: o.codeDir,
    trialConcurrency: 8,
    maxTrialNumber: o.trials + 100_000,
    maxRetries: 0,
    tuner: { name: 'random', classArgs: { optimize_mode: 'maximize' } },
    trainingService: { platform: 'local', maxTrialNumberPerGpu: 1, reuseMode: false },
    logLevel: 'info',
    seed: 0,
  };
  const dir = experimentDir(o.home, o.id);
  mkdirSync(dir, { recursive: true });
  const store = openSqliteStore(experimentDbPath(dir));
  const rand = rng(42);
  const t0 = Date.now() - o.trials * 2000;
  try {
    store.createExperiment({ id: o.id, name: config.experimentName ?? o.id, config, createdAt: t0 });
    store.setExperimentStatus('RUNNING', { startedAt: t0 });
    // The store commits one transaction per call (2.4M for 100k trials: minutes). When its
    // better-sqlite3 handle is reachable, batches of 1,000 trials run inside one outer
    // transaction (the store's own transactions become savepoints): same rows, ~10x faster.
    const db = (store as unknown as { db?: { transaction(fn: () => void): () => void } }).db;
    const batch = (fn: () => void) => (db ? db.transaction(fn)() : fn());
    const writeTrial = (i: number) => {
      const id = `t${i.toString(36).padStart(5, '0')}`;
      const params: TrialParameters = {};
      let flops = 100e6;
      let quality = 0;
      for (let l = 0; l < layers; l++) {
        const k = Math.floor(rand() * OPS.length);
        params[`layer${l}`] = { _value: OPS[k], _idx: k };
        flops += [9, 25, 6, 1, 0][k] * 2e6;
        quality += [0.9, 1, 0.95, 0.5, 0.3][k];
      }
      const at = t0 + i * 2000;
      store.createTrial({ id, parameters: params, source: 'tuner', attempt: 0, createdAt: at, trialDir: trialDir(dir, id) });
      store.transitionTrial(id, 'WAITING', 'RUNNING', { startedAt: at + 10 });
      const final = 0.5 + 0.4 * (quality / layers) + 0.05 * rand();
      for (let s = 0; s < o.intermediates; s++) {
        store.addMetric(id, 'intermediate', final * (1 - Math.exp(-(s + 1) / 4)) + 0.01 * rand(), at + 20 + s * 50);
      }
      if (rand() < 0.05) {
        store.transitionTrial(id, 'RUNNING', 'FAILED', { endedAt: at + 1500 + Math.floor(rand() * 400), exitCode: 1, reason: 'exit code 1: generated failure' });
      } else {
        store.addMetric(id, 'final', { default: final, flops }, at + 1400);
        store.transitionTrial(id, 'RUNNING', 'SUCCEEDED', { endedAt: at + 1500 + Math.floor(rand() * 400), exitCode: 0 });
      }
      if ((i + 1) % 5000 === 0) o.progress?.(i + 1);
    };
    for (let b = 0; b < o.trials; b += 1000) {
      batch(() => {
        for (let i = b; i < Math.min(o.trials, b + 1000); i++) writeTrial(i);
      });
    }
    store.addActiveMs(o.trials * 2000);
    store.setExperimentStatus('STOPPED', { endedAt: t0 + o.trials * 2000 });
  } finally {
    store.close();
  }
  return space;
}
