import { existsSync, mkdirSync, rmSync, symlinkSync, lstatSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentService, ExperimentSummary, ExperimentDetail, TrialDetail, TrialLogName } from '../service/experiment-service';
import type { LiveDelta } from '../service/live-delta';
import type { ExperimentConfig, BudgetUpdate } from '../config/experiment-config';
import type { ExperimentStore, TrialChartRows } from '../store/store';
import type { TrialQuery, TrialPage, TrialRecord, MetricRecord, ExperimentRecord } from '../store/types';
import { isActiveExperiment } from '../store/types';
import type { TrialParameters } from '../../trial-runtime/protocol/messages';
import type { Tuner, TunerFactory } from '../../tuners/tuner';
import type { Assessor, AssessorFactory } from '../../tuners/assessor';
import { builtinAssessors } from '../../tuners/assessors/registry';
import { AssessorArgsError } from '../../tuners/assessors/assessor-args-error';
import type { TrainingService } from '../training/training-service';
import { validateConfig } from '../config/load-config';
import { openSqliteStore } from '../store/sqlite-store';
import { experimentDir, experimentDbPath, scanExperiments } from '../store/experiment-files';
import { ConfigError, ConflictError, NotFoundError } from '../errors';
import { TunerArgsError } from '../../tuners/tuner-error';
import { ExperimentRunner } from './experiment-runner';
import { DeltaBus, type UnnumberedDelta } from './delta-bus';
import { randomId } from './ids';
import { exportCsv, exportJson } from './export-experiment';

export interface ManagerOptions {
  /** NASCTL_HOME: experiments live in <home>/experiments/<id>. */
  home: string;
  tuners: readonly TunerFactory[];
  /** Assessors configs may name (`assessor.name`); default: builtinAssessors(). */
  assessors?: readonly AssessorFactory[];
  createTrainingService(config: ExperimentConfig, log: (line: string) => void): TrainingService;
  log(line: string): void;
  clock?: () => number;
}

/**
 * Writes of the daemon are committed in groups, at most this long after the first one: at
 * thousands of trials/s one WAL commit per state change would cost more than everything else.
 * A crash loses at most this window, which resume handles like any interrupted work.
 */
const GROUP_COMMIT_MS = 3;

interface Loaded {
  runner: ExperimentRunner;
  readOnly: boolean;
  dir: string;
}

/**
 * Implements the daemon's operations over every experiment of one NASCTL_HOME. Experiments are
 * found by scanning the home (a folder copied from another machine shows up); running ones are
 * loaded read-write, others are opened read-only on demand.
 */
export class ExperimentManager implements ExperimentService {
  private readonly loaded = new Map<string, Loaded>();
  private readonly bus: DeltaBus;
  private readonly clock: () => number;
  private readonly assessors: readonly AssessorFactory[];

  constructor(private readonly opts: ManagerOptions) {
    this.clock = opts.clock ?? Date.now;
    this.assessors = opts.assessors ?? builtinAssessors();
    this.bus = new DeltaBus(20_000, (e) => opts.log(`live listener error: ${String(e)}`));
    mkdirSync(join(opts.home, 'experiments'), { recursive: true });
  }

  /** Resumes experiments that were RUNNING when the previous daemon died. Returns their ids. */
  resumeInterrupted(): string[] {
    const resumed: string[] = [];
    for (const { id } of this.scan()) {
      try {
        const rec = this.load(id).runner.record;
        if (isActiveExperiment(rec.status)) {
          this.startRunner(id);
          resumed.push(id);
        }
      } catch (e) {
        this.opts.log(`cannot resume experiment ${id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return resumed;
  }

  listExperiments(): ExperimentSummary[] {
    const out: ExperimentSummary[] = [];
    for (const { id } of this.scan()) {
      try {
        this.store(id);
        out.push(this.summary(this.load(id)));
      } catch (e) {
        this.opts.log(`skipping experiment ${id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  getExperiment(id: string): ExperimentDetail {
    this.store(id);
    const l = this.load(id);
    return { ...this.summary(l), record: l.runner.record, waitReasons: l.runner.waitReasons(), malformedProtocolLines: l.runner.malformedCount };
  }

  async createExperiment(rawConfig: unknown, baseDir: string): Promise<{ id: string; notices: string[] }> {
    const { config, notices } = validateConfig(rawConfig, baseDir, { tuners: this.opts.tuners, assessors: this.assessors });
    this.makeTuner(config); // fail early on bad classArgs before anything is written
    this.makeAssessor(config);
    const id = randomId(8);
    const dir = this.prepareDir(id, config);
    const store = this.openWritable(id, dir);
    try {
      store.createExperiment({ id, name: config.experimentName ?? id, config, createdAt: this.clock() });
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
    } catch (e) {
      store.close();
      throw e;
    }
    const runner = this.newRunner(store, dir);
    this.loaded.set(id, { runner, readOnly: false, dir });
    runner.start();
    return { id, notices };
  }

  updateExperiment(id: string, update: BudgetUpdate): ExperimentDetail {
    const l = this.load(id);
    if (l.readOnly || !l.runner.canRun) {
      throw new ConflictError(`experiment ${id} is not running (${l.runner.record.status}); resume it first with \`nasctl resume ${id}\``);
    }
    l.runner.updateBudget(update);
    return this.getExperiment(id); // flushes
  }

  async stopExperiment(id: string): Promise<void> {
    const l = this.load(id);
    if (l.readOnly) return;
    await l.runner.stop('stop');
  }

  async resumeExperiment(id: string): Promise<void> {
    const l = this.load(id);
    if (!l.readOnly && l.runner.isActive) throw new ConflictError(`experiment ${id} is already ${l.runner.record.status}`);
    this.startRunner(id);
  }

  viewExperiment(id: string): ExperimentDetail {
    return this.getExperiment(id);
  }

  async deleteExperiment(id: string): Promise<void> {
    const l = this.load(id);
    if (!l.readOnly) await l.runner.stop('stop');
    l.runner.close();
    this.loaded.delete(id);
    this.bus.forget(id);
    const link = experimentDir(this.opts.home, id);
    const real = existsSync(link) ? realpathSync(link) : link;
    rmSync(real, { recursive: true, force: true });
    if (lstatSync(link, { throwIfNoEntry: false })) rmSync(link, { recursive: true, force: true });
  }

  listTrials(id: string, query: TrialQuery): TrialPage {
    return this.store(id).listTrials(query);
  }

  trialChartRows(id: string, withParameters: boolean): TrialChartRows {
    return this.store(id).trialChartRows(withParameters);
  }

  getTrial(id: string, trialId: string): TrialDetail {
    const store = this.store(id);
    const trial = this.mustGetTrial(store, id, trialId);
    return { trial, metrics: store.metrics(trialId), events: store.trialEvents(trialId) };
  }

  async killTrial(id: string, trialId: string): Promise<TrialRecord> {
    const t = await this.load(id).runner.killTrial(trialId);
    this.store(id);
    return t;
  }

  addTrial(id: string, parameters: TrialParameters): TrialRecord {
    const t = this.load(id).runner.addTrial(parameters);
    this.store(id);
    return t;
  }

  retryTrial(id: string, trialId: string): TrialRecord {
    const t = this.load(id).runner.retryTrial(trialId);
    this.store(id);
    return t;
  }

  metrics(id: string, trialId: string): MetricRecord[] {
    const store = this.store(id);
    this.mustGetTrial(store, id, trialId);
    return store.metrics(trialId);
  }

  latestMetrics(id: string): MetricRecord[] {
    return this.store(id).latestMetrics();
  }

  trialLogPath(id: string, trialId: string, name: TrialLogName): string {
    const trial = this.mustGetTrial(this.store(id), id, trialId);
    const file = name === 'stdout' ? 'stdout.log' : name === 'stderr' ? 'stderr.log' : 'trial.log';
    return join(trial.trialDir, file);
  }

  exportExperiment(id: string, format: 'csv' | 'json'): string {
    const store = this.store(id);
    const rec = store.getExperiment();
    const trials = store.allTrials();
    return format === 'csv' ? exportCsv(rec, trials) : exportJson(rec, trials, (t) => store.metrics(t));
  }

  subscribe(listener: (delta: LiveDelta) => void): () => void {
    return this.bus.subscribe(listener);
  }

  /** Publishes a delta made outside the runners (the checkpoint watcher), numbered with the experiment's others. */
  publishDelta(delta: UnnumberedDelta): void {
    this.bus.publish(delta);
  }

  deltasSince(id: string, seq: number): LiveDelta[] | null {
    this.store(id);
    return this.bus.since(id, seq);
  }

  /** Resolves when experiment `id` stops being active (for `--foreground`). */
  whenSettled(id: string): Promise<ExperimentRecord> {
    return this.load(id).runner.whenSettled();
  }

  /** Stops every running experiment (marked STOPPED: 'the daemon shut down') and closes stores. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.loaded.values()].map(async (l) => {
      if (!l.readOnly) await l.runner.stop('shutdown');
    }));
    for (const l of this.loaded.values()) l.runner.close();
    this.loaded.clear();
  }

  // ------------------------------------------------------------------ internals

  private scan(): Array<{ id: string; dir: string }> {
    return scanExperiments(this.opts.home).experiments;
  }

  private mustGetTrial(store: ExperimentStore, id: string, trialId: string): TrialRecord {
    const trial = store.getTrial(trialId);
    if (!trial) throw new NotFoundError(`trial '${trialId}' not found in experiment ${id}; list trials with \`nasctl trial ls ${id}\``);
    return trial;
  }

  /** The experiment's store, flushed: what a client reads through it is durable. */
  private store(id: string): ExperimentStore {
    const store = this.load(id).runner.store;
    store.flush();
    return store;
  }

  /** Returns the loaded experiment, opening it read-only when it is not loaded yet. */
  private load(id: string): Loaded {
    const l = this.loaded.get(id);
    if (l) return l;
    const dir = experimentDir(this.opts.home, id);
    const db = experimentDbPath(dir);
    if (!/^[A-Za-z0-9_-]+$/.test(id) || !existsSync(db)) {
      throw new NotFoundError(`experiment '${id}' not found under ${join(this.opts.home, 'experiments')}; list experiments with \`nasctl experiment list\``);
    }
    const loaded: Loaded = { runner: this.newRunner(openSqliteStore(db, { readOnly: true }), dir), readOnly: true, dir };
    this.loaded.set(id, loaded);
    return loaded;
  }

  private startRunner(id: string): void {
    const old = this.load(id);
    if (old.readOnly) {
      old.runner.close();
      this.loaded.delete(id);
    }
    const dir = old.dir;
    const runner = old.readOnly ? this.newRunner(this.openWritable(id, dir), dir) : old.runner;
    this.loaded.set(id, { runner, readOnly: false, dir });
    runner.start();
  }

  /** Opens an experiment's database for running it: group commit, live events held until durable. */
  private openWritable(id: string, dir: string): ExperimentStore {
    return openSqliteStore(experimentDbPath(dir), {
      groupCommit: true,
      groupCommitDelayMs: GROUP_COMMIT_MS,
      onBatchOpen: () => this.bus.hold(id),
      onCommit: () => this.bus.release(id),
    });
  }

  private newRunner(store: ExperimentStore, dir: string): ExperimentRunner {
    return new ExperimentRunner({
      store,
      dir,
      bus: this.bus,
      createTuner: (config) => this.makeTuner(config),
      createAssessor: (config) => this.makeAssessor(config),
      createTrainingService: (config) => this.opts.createTrainingService(config, this.opts.log),
      clock: this.clock,
      log: this.opts.log,
    });
  }

  private makeTuner(config: ExperimentConfig): Tuner {
    const factory = findFactory(this.opts.tuners, config.tuner.name, '/tuner/name', 'tuner');
    try {
      return factory.create({ searchSpace: config.searchSpace, classArgs: config.tuner.classArgs ?? {}, cost: config.searchSpaceCost });
    } catch (e) {
      if (e instanceof TunerArgsError) throw new ConfigError(`/tuner/classArgs${e.path}`, e.message, { cause: e });
      throw e;
    }
  }

  /** The config's assessor, or undefined when it names none. Throws ConfigError like makeTuner. */
  private makeAssessor(config: ExperimentConfig): Assessor | undefined {
    if (config.assessor === undefined) return undefined;
    const factory = findFactory(this.assessors, config.assessor.name, '/assessor/name', 'assessor');
    try {
      return factory.create({ classArgs: config.assessor.classArgs ?? {} });
    } catch (e) {
      if (e instanceof AssessorArgsError) throw new ConfigError(`/assessor/classArgs${e.path}`, e.message, { cause: e });
      throw e;
    }
  }

  /** Creates the experiment folder; with experimentWorkingDirectory it lives there and home links to it. */
  private prepareDir(id: string, config: ExperimentConfig): string {
    const home = experimentDir(this.opts.home, id);
    if (!config.experimentWorkingDirectory) {
      mkdirSync(home, { recursive: true });
      return home;
    }
    const real = join(config.experimentWorkingDirectory, id);
    mkdirSync(real, { recursive: true });
    symlinkSync(real, home, 'dir');
    return home;
  }

  private summary(l: Loaded): ExperimentSummary {
    const rec = l.runner.record;
    return {
      id: rec.id,
      name: rec.name,
      status: rec.status,
      error: rec.error,
      createdAt: rec.createdAt,
      startedAt: rec.startedAt,
      endedAt: rec.endedAt,
      trialCounts: l.runner.trialCounts,
      bestMetric: l.runner.bestMetric,
      loaded: !l.readOnly,
      readOnly: l.readOnly,
      dir: l.dir,
    };
  }
}

/**
 * The factory called `name` (case-insensitive) among `factories`. Throws ConfigError at `path`
 * naming the built-in ones when there is none.
 */
function findFactory<F extends { name: string }>(factories: readonly F[], name: string, path: string, kind: string): F {
  const wanted = name.toLowerCase();
  const factory = factories.find((f) => f.name.toLowerCase() === wanted);
  if (!factory) throw new ConfigError(path, `unknown ${kind} '${name}'; built-in ${kind}s: ${factories.map((f) => f.name).join(', ')}`);
  return factory;
}
