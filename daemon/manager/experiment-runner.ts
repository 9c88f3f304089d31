import { mkdirSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentStore } from '../store/store';
import type { ExperimentRecord, ExperimentStatus, TrialRecord, TrialStatus, ParameterSource } from '../store/types';
import { isActiveExperiment, isFinished } from '../store/types';
import type { ExperimentConfig, BudgetUpdate } from '../config/experiment-config';
import type { TrainingService, TrainingServiceListener, TrialExit } from '../training/training-service';
import type { Tuner } from '../../tuners/tuner';
import type { Assessor } from '../../tuners/assessor';
import type { TrialParameters, TrialToDaemon } from '../../trial-runtime/protocol/messages';
import { createRng } from '../../tuners/rng';
import { isInSpace } from '../../tuners/space/contains';
import { parseDuration } from '../config/duration';
import { trialDir as trialDirOf } from '../store/experiment-files';
import { BadRequestError, ConflictError, NotFoundError } from '../errors';
import { budgetState } from './budget';
import type { DeltaBus } from './delta-bus';
import { IdPool } from './ids';
import { TunerHistory } from './tuner-history';
import { metricDefault } from '../store/metric-value';
import { trialOutcome, type KillIntent } from './trial-outcome';
import { killOrphanedTrials } from './orphans';
import { TrialDirPool } from '../training/trial-dir-pool';
import { AssessorGate } from './assessor-gate';
import { GenerationExporter } from './generation-export';

/** Everything a runner needs; built by the experiment manager. */
export interface RunnerDeps {
  store: ExperimentStore;
  /** Absolute experiment directory. */
  dir: string;
  bus: DeltaBus;
  /** Creates the tuner for a config (called on start and resume). */
  createTuner(config: ExperimentConfig): Tuner;
  /** Creates the config's assessor, or undefined when it names none (called on start and resume). */
  createAssessor?(config: ExperimentConfig): Assessor | undefined;
  /** Creates the training service for a config (called on start and resume). */
  createTrainingService(config: ExperimentConfig): TrainingService;
  clock(): number;
  log(line: string): void;
}

const INTERRUPTED = 'interrupted: ';

/**
 * Drives one experiment: the state machine over its store. Every change (trial exit, metric,
 * capacity, budget update) requests one scheduler tick; there is no polling loop. Timers exist
 * only for the experiment's duration deadline (and per-trial deadlines in training services).
 */
export class ExperimentRunner implements TrainingServiceListener {
  readonly id: string;
  private config: ExperimentConfig;
  private tuner: Tuner | undefined;
  private assessor: AssessorGate | undefined;
  /** Why the assessor stopped a trial, until that trial's exit is recorded. */
  private readonly stopReasons = new Map<string, string>();
  private generationExporter: GenerationExporter | undefined;
  private service: TrainingService | undefined;
  private readonly history = new TunerHistory();
  /** WAITING trials in start order (their records, so starting one needs no read). */
  private waiting: TrialRecord[] = [];
  private readonly running = new Map<string, { hasFinal: boolean; error?: string }>();
  private readonly killIntents = new Map<string, KillIntent>();
  private readonly exitWaiters = new Map<string, Array<() => void>>();
  private readonly ids = new IdPool(6);
  private dirs: TrialDirPool | undefined;
  /** The pool's close() started when the experiment ended on its own; stop() waits for it. */
  private dirsClosing: Promise<void> = Promise.resolve();
  private countedTrials = 0;
  private segmentStart: number | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private tickQueued = false;
  private waitReason: string | undefined;
  private settledWaiters: Array<(r: ExperimentRecord) => void> = [];
  private malformedLines = 0;
  private readonly pendingReasons = new Map<string, string | undefined>();
  private readonly counts: Record<TrialStatus, number>;
  private readonly minimize: boolean;
  private best: number | undefined;
  private historyLoaded = false;
  private cached: ExperimentRecord;

  constructor(private readonly deps: RunnerDeps) {
    const record = deps.store.getExperiment();
    this.cached = record;
    this.id = record.id;
    this.config = record.config;
    this.counts = deps.store.countByStatus();
    const mode = record.config.tuner.classArgs?.['optimize_mode'] === 'minimize' ? 'asc' : 'desc';
    this.minimize = mode === 'asc';
    const top = deps.store.listTrials({ sort: 'finalMetric', order: mode, limit: 1 }).items[0];
    this.best = top?.finalMetric === undefined ? undefined : metricDefault(top.finalMetric);
  }

  /** Loads the tuner's view of the history (only needed to run: viewing skips it). */
  private loadHistory(trials: readonly TrialRecord[]): void {
    if (this.historyLoaded) return;
    this.historyLoaded = true;
    for (const t of trials) {
      this.history.add(t, t.intermediateCount > 0 ? this.deps.store.metrics(t.id) : []);
      if (t.source === 'tuner') this.countedTrials += 1;
    }
  }

  /** Trials per status, kept up to date incrementally. */
  get trialCounts(): Record<TrialStatus, number> {
    return { ...this.counts };
  }

  /** Best final `default` metric so far (by the tuner's optimize_mode). */
  get bestMetric(): number | undefined {
    return this.best;
  }

  /** The experiment row, cached: every write to it goes through this runner, which refreshes the cache. */
  get record(): ExperimentRecord {
    return this.cached;
  }

  get store(): ExperimentStore {
    return this.deps.store;
  }

  /** Protocol lines from trials that were not valid messages (logged in the trials' trial.log). */
  get malformedCount(): number {
    return this.malformedLines;
  }

  /** True while the runner holds a training service (started and not stopped). */
  get canRun(): boolean {
    return this.service !== undefined;
  }

  get isActive(): boolean {
    return isActiveExperiment(this.record.status);
  }

  /** Why waiting trials wait right now (for the API and CLI). */
  waitReasons(): string[] {
    const out: string[] = [];
    const rec = this.record;
    if (rec.status === 'NO_MORE_TRIAL' && rec.error) out.push(`no more trials: ${rec.error}`);
    if (this.pendingReasons.size > 0) {
      const reasons = [...new Set(this.pendingReasons.values())].join(', ');
      out.push(`${this.pendingReasons.size} submitted trial(s) wait in the cluster queue: ${reasons}`);
    }
    if (this.waiting.length > 0) {
      if (this.running.size >= this.config.trialConcurrency) {
        out.push(`${this.waiting.length} trial(s) wait: trialConcurrency (${this.config.trialConcurrency}) reached`);
      } else if (this.waitReason) {
        out.push(`${this.waiting.length} trial(s) wait: ${this.waitReason}`);
      }
    }
    return out;
  }

  /**
   * Starts (fresh or resumed) the experiment. On resume, trials that were RUNNING when the
   * daemon died or the experiment was stopped are marked SYS_CANCELED and re-run with the same
   * parameters (they do not count against maxTrialNumber twice).
   */
  start(): void {
    const { store } = this.deps;
    const now = this.deps.clock();
    const trials = store.allTrials();
    this.loadHistory(trials);
    this.tuner = this.deps.createTuner(this.config);
    const assessor = this.deps.createAssessor?.(this.config);
    this.assessor = assessor && this.config.assessor ? new AssessorGate(assessor, this.config.assessor.name, (trialId, message) => {
      this.deps.log(`experiment ${this.id}: ${message}`);
      this.appendTrialLog(trialId, `[nasctl] ${message}`);
    }) : undefined;
    this.generationExporter = new GenerationExporter(this.deps.dir, this.id, this.config.tuner.name, this.deps.log);
    this.exportGenerations();
    this.service = this.deps.createTrainingService(this.config);
    this.service.setListener(this);
    mkdirSync(join(this.deps.dir, 'trials'), { recursive: true });
    this.waiting = [];
    if (this.config.trainingService.platform === 'local' && trials.some((t) => t.status === 'RUNNING')) {
      // A daemon died while trials ran: end what it left behind before re-running them.
      const killed = killOrphanedTrials(this.id);
      if (killed.length > 0) this.deps.log(`experiment ${this.id}: ended ${killed.length} process group(s) left by a daemon that died`);
    }
    const rerunOf = new Set(trials.filter((t) => t.retryOf && t.source === 'resume').map((t) => t.retryOf));
    for (const t of trials) {
      if (t.status === 'RUNNING') {
        if (this.service.reattach?.(t.id, t.trialDir)) {
          this.running.set(t.id, { hasFinal: t.finalMetric !== undefined });
          this.deps.log(`experiment ${this.id}: re-attached to trial ${t.id}, still running outside the daemon`);
          continue;
        }
        const done = store.transitionTrial(t.id, 'RUNNING', 'SYS_CANCELED', { endedAt: now, reason: `${INTERRUPTED}the daemon stopped while it ran` });
        if (done) this.trialChanged(done);
        this.createTrial(t.parameters, 'resume', t.attempt, t.id);
      } else if (t.status === 'SYS_CANCELED' && t.reason?.startsWith(INTERRUPTED) && !rerunOf.has(t.id)) {
        this.createTrial(t.parameters, 'resume', t.attempt, t.id);
      } else if (t.status === 'WAITING') {
        this.waiting.push(t);
      }
    }
    const status: ExperimentStatus = budgetState(this.config, this.countedTrials, this.record.activeMs).exhausted ? 'NO_MORE_TRIAL' : 'RUNNING';
    this.setStatus(status, { error: undefined, startedAt: now, endedAt: undefined });
    this.segmentStart = now;
    this.armDeadline();
    this.requestTick();
  }

  /** Resolves when the experiment is no longer active (DONE, STOPPED or ERROR with nothing running). */
  whenSettled(): Promise<ExperimentRecord> {
    const rec = this.record;
    if (!this.isActive && this.running.size === 0) return Promise.resolve(rec);
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Stops creating and running trials: running ones are killed and re-run on resume. */
  async stop(intent: 'stop' | 'shutdown' = 'stop'): Promise<void> {
    const rec = this.record;
    if (isActiveExperiment(rec.status)) {
      this.closeSegment();
      this.setStatus('STOPPED', { endedAt: this.deps.clock(), error: intent === 'shutdown' ? 'the daemon shut down' : undefined });
    }
    await this.killAll(intent);
    await this.service?.shutdown();
    await this.dirs?.close(); // removes directories made ahead and not used
    await this.dirsClosing;
    this.dirs = undefined;
    this.service = undefined;
    this.notifySettled();
  }

  /** Marks the experiment ERROR: no new trials; running ones finish and are recorded. */
  fail(message: string): void {
    this.deps.log(`experiment ${this.id}: ERROR: ${message}`);
    this.closeSegment();
    this.setStatus('ERROR', { error: message, endedAt: this.deps.clock() });
    this.notifySettled();
  }

  updateBudget(update: BudgetUpdate): ExperimentRecord {
    if (update.maxExperimentDuration !== undefined) parseDuration(update.maxExperimentDuration);
    if (update.maxTrialNumber !== undefined && update.maxTrialNumber < this.countedTrials) {
      throw new BadRequestError('/maxTrialNumber', `must be at least the ${this.countedTrials} trials already created, got ${update.maxTrialNumber}`);
    }
    this.config = { ...this.config, ...update };
    this.deps.store.updateConfig(this.config, this.deps.clock());
    this.cached = this.deps.store.getExperiment();
    const rec = this.record;
    if ((rec.status === 'NO_MORE_TRIAL' || rec.status === 'DONE') && !this.budget().exhausted && this.service) {
      if (rec.status === 'DONE') this.segmentStart = this.deps.clock();
      this.setStatus('RUNNING', { error: undefined, endedAt: undefined });
    }
    this.armDeadline();
    this.publishExperiment();
    this.requestTick();
    return this.record;
  }

  /** Adds a trial with given parameters (NNI's "customized trial"); it does not count against maxTrialNumber. */
  addTrial(parameters: TrialParameters): TrialRecord {
    const problem = isInSpace(parameters, this.config.searchSpace);
    if (problem) throw new BadRequestError('/parameters', `${problem}. Pass parameters inside the experiment's search space.`);
    this.requireActive('add a trial to');
    const t = this.createTrial(parameters, 'user', 0);
    this.requestTick();
    return t;
  }

  /** Re-runs a finished trial's parameters as a new trial. */
  retryTrial(trialId: string): TrialRecord {
    const t = this.mustGetTrial(trialId);
    if (!isFinished(t.status)) throw new ConflictError(`trial ${trialId} is ${t.status}; only finished trials can be retried`);
    this.requireActive('retry a trial of');
    const n = this.createTrial(t.parameters, 'retry', t.attempt + 1, t.id);
    this.requestTick();
    return n;
  }

  async killTrial(trialId: string): Promise<TrialRecord> {
    const t = this.mustGetTrial(trialId);
    if (t.status === 'WAITING') {
      const idx = this.waiting.findIndex((w) => w.id === trialId);
      if (idx >= 0) this.waiting.splice(idx, 1);
      const done = this.deps.store.transitionTrial(trialId, 'WAITING', 'USER_CANCELED', { endedAt: this.deps.clock(), reason: 'killed by the user before it started' });
      if (done) this.trialChanged(done);
      this.requestTick();
      return this.mustGetTrial(trialId);
    }
    if (t.status !== 'RUNNING' || !this.service) throw new ConflictError(`trial ${trialId} is ${t.status}; only WAITING or RUNNING trials can be killed`);
    this.killIntents.set(trialId, 'user');
    const exited = this.waitForExit(trialId);
    await this.service.kill(trialId);
    await exited;
    return this.mustGetTrial(trialId);
  }

  /** Closes the store; call after stop(). */
  close(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deps.store.close();
  }

  // ------------------------------------------------------------------ TrainingServiceListener

  /** Nothing to do: the trial became RUNNING (with its GPUs) when tryStart accepted it. */
  onStarted(): void {}

  onMessage(trialId: string, message: TrialToDaemon): void {
    const r = this.running.get(trialId);
    if (!r) return;
    switch (message.type) {
      case 'metric': {
        if (message.trialId !== trialId) {
          this.onMalformed(trialId, JSON.stringify(message), `metric for trial ${message.trialId} arrived on the channel of trial ${trialId}`);
          return;
        }
        const m = this.deps.store.addMetric(trialId, message.kind, message.value, this.deps.clock());
        this.history.addMetric(trialId, message.kind, message.value);
        if (message.kind === 'final') {
          r.hasFinal = true;
          const v = metricDefault(message.value);
          if (this.best === undefined || (this.minimize ? v < this.best : v > this.best)) this.best = v;
        }
        this.deps.bus.publish({ experimentId: this.id, type: 'metric', metric: m });
        if (message.kind === 'intermediate') this.assess(trialId);
        return;
      }
      case 'log':
        this.appendTrialLog(trialId, `[${message.level}] ${message.message}`);
        this.deps.bus.publish({ experimentId: this.id, type: 'log', trialId, level: message.level, message: message.message });
        return;
      case 'error':
        r.error = message.message;
        this.appendTrialLog(trialId, `[error] ${message.message}${message.stack ? `\n${message.stack}` : ''}`);
        return;
      default:
        return;
    }
  }

  onMalformed(trialId: string, line: string, error: string): void {
    this.malformedLines += 1;
    const shown = line.length > 200 ? `${line.slice(0, 200)}...` : line;
    this.appendTrialLog(trialId, `[nasctl] ignored a malformed protocol line (${error}): ${shown}`);
  }

  onExit(exit: TrialExit): void {
    const r = this.running.get(exit.trialId);
    if (!r) return;
    this.running.delete(exit.trialId);
    this.pendingReasons.delete(exit.trialId);
    const intent = this.killIntents.get(exit.trialId);
    this.killIntents.delete(exit.trialId);
    const outcome = trialOutcome(exit, intent, r.hasFinal, this.stopReasons.get(exit.trialId));
    this.stopReasons.delete(exit.trialId);
    const reason = r.error && outcome.status === 'FAILED' ? `${r.error}; ${outcome.reason ?? ''}` : outcome.reason;
    const done = this.deps.store.transitionTrial(exit.trialId, 'RUNNING', outcome.status, {
      endedAt: this.deps.clock(),
      exitCode: exit.exitCode,
      signal: exit.signal,
      reason,
    });
    if (done) {
      this.trialChanged(done);
      this.maybeRetry(done);
      try {
        const view = this.history.get(done.id);
        if (view) this.tuner?.trialEnded?.(view);
      } catch (e) {
        this.fail(`tuner failed in trialEnded: ${errorText(e)}`);
      }
      this.exportGenerations();
    }
    for (const w of this.exitWaiters.get(exit.trialId) ?? []) w();
    this.exitWaiters.delete(exit.trialId);
    this.requestTick();
  }

  onCapacity(): void {
    this.requestTick();
  }

  /** A cluster service hands a trial to a job that outlives the daemon: commit what the store holds back first. */
  flush(): void {
    this.deps.store.flush();
  }

  /** The service's bookkeeping, in the store's bookkeeping table under `service:<key>` (same transaction as the trial records). */
  saveServiceState(key: string, value: unknown): void {
    this.deps.store.setMeta(`service:${key}`, value);
  }

  serviceState(key: string): unknown {
    return this.deps.store.getMeta(`service:${key}`);
  }

  onPending(trialId: string, reason: string | undefined): void {
    // The trial is RUNNING from the daemon's point of view (submitted) but waits in a cluster queue.
    if (!this.running.has(trialId)) return;
    this.appendTrialLog(trialId, reason ? `[nasctl] waiting in the cluster queue: ${reason}` : '[nasctl] left the cluster queue');
    this.pendingReasons.set(trialId, reason);
    if (!reason) this.pendingReasons.delete(trialId);
  }

  // ------------------------------------------------------------------ scheduling

  /** Coalesces triggers into one tick on the next turn of the event loop. */
  requestTick(): void {
    if (this.tickQueued) return;
    this.tickQueued = true;
    setImmediate(() => {
      this.tickQueued = false;
      try {
        this.tick();
      } catch (e) {
        this.fail(`scheduler error: ${errorText(e)}`);
      }
    });
  }

  private tick(): void {
    if (!this.service) return;
    let status = this.record.status;
    if (status !== 'RUNNING' && status !== 'NO_MORE_TRIAL') {
      this.notifySettled();
      return;
    }
    this.startWaiting();
    if (status === 'RUNNING') {
      const budget = this.budget();
      if (budget.exhausted) {
        this.setStatus('NO_MORE_TRIAL', { error: budget.reason });
        status = 'NO_MORE_TRIAL';
      } else {
        const free = this.config.trialConcurrency - this.running.size - this.waiting.length;
        if (free > 0) status = this.propose(Math.min(free, budget.trialsLeft));
        this.startWaiting();
      }
    }
    if (status === 'NO_MORE_TRIAL' && this.running.size === 0 && this.waiting.length === 0) {
      this.closeSegment();
      this.setStatus('DONE', { endedAt: this.deps.clock() });
      if (this.dirs !== undefined) this.dirsClosing = this.dirs.close().catch((e: unknown) => this.deps.log(`experiment ${this.id}: removing unused trial folders failed: ${String(e)}`));
      this.dirs = undefined;
      this.notifySettled();
    }
  }

  private propose(count: number): ExperimentStatus {
    const tuner = this.tuner!;
    const history = this.history.list;
    let candidates: Array<Record<string, unknown>>;
    try {
      candidates = tuner.propose({ count, history, rng: createRng(this.config.seed, history.length) });
    } catch (e) {
      this.fail(`tuner '${this.config.tuner.name}' failed: ${errorText(e)}. Fix the tuner settings, then run \`nasctl resume ${this.id}\`.`);
      return 'ERROR';
    }
    for (const c of candidates.slice(0, count)) {
      const problem = isInSpace(c, this.config.searchSpace);
      if (problem) {
        this.fail(`tuner '${this.config.tuner.name}' proposed parameters outside the search space: ${problem}`);
        return 'ERROR';
      }
      this.createTrial(c as TrialParameters, 'tuner', 0);
    }
    if (candidates.length === 0 && this.running.size === 0 && this.waiting.length === 0 && tuner.isExhausted?.({ history })) {
      this.setStatus('NO_MORE_TRIAL', { error: `tuner '${this.config.tuner.name}' has no more candidates` });
      return 'NO_MORE_TRIAL';
    }
    return 'RUNNING';
  }

  private startWaiting(): void {
    const service = this.service;
    if (!service) return;
    const maxDurationMs = this.config.maxTrialDuration === undefined ? undefined : parseDuration(this.config.maxTrialDuration);
    while (this.waiting.length > 0 && this.running.size < this.config.trialConcurrency) {
      const t = this.waiting[0]!;
      const id = t.id;
      const result = service.tryStart({
        experimentId: this.id,
        trialId: id,
        sequence: t.sequence,
        parameters: t.parameters,
        trialDir: t.trialDir,
        command: this.config.trialCommand,
        cwd: this.config.trialCodeDirectory,
        gpuNumber: this.config.trialGpuNumber,
        env: this.config.trainingService.env,
        maxDurationMs,
      });
      if (!result.started) {
        if (this.waitReason !== result.wait.message) {
          this.waitReason = result.wait.message;
          this.deps.store.setWaitReason(id, result.wait.message);
        }
        return;
      }
      this.waiting.shift();
      this.running.set(id, { hasFinal: false });
      const started = this.deps.store.transitionTrial(id, 'WAITING', 'RUNNING', {
        startedAt: this.deps.clock(),
        ...(result.gpuIndices === undefined ? {} : { gpuIndices: result.gpuIndices }),
      });
      if (started) this.trialChanged(started);
    }
    if (this.waiting.length === 0) this.waitReason = undefined;
  }

  private createTrial(parameters: TrialParameters, source: ParameterSource, attempt: number, retryOf?: string): TrialRecord {
    // The directory exists already: made ahead of demand on a background thread (mkdir is 45-500 us
    // here). Reuse-mode services only name it: the trial's SDK creates it if the trial keeps files.
    this.dirs ??= new TrialDirPool({ trialsDir: join(this.deps.dir, 'trials'), nextId: () => this.ids.next(), log: this.deps.log });
    const { id, dir } = this.service?.trialDirsOnDemand === true
      ? this.dirs.name((candidate) => this.deps.store.getTrial(candidate) !== undefined)
      : this.dirs.take();
    const t = this.deps.store.createTrial({ id, parameters, source, attempt, retryOf, createdAt: this.deps.clock(), trialDir: dir });
    if (source === 'tuner') this.countedTrials += 1;
    this.counts.WAITING += 1;
    this.history.add(t);
    this.waiting.push(t);
    this.deps.bus.publish({ experimentId: this.id, type: 'trial', trial: t });
    return t;
  }

  private maybeRetry(t: TrialRecord): void {
    if (t.status !== 'FAILED' || !this.isActive) return;
    const firstAttemptOf = t.source === 'retry' ? t.retryOf : t.id;
    if (t.attempt >= this.config.maxRetries) return;
    this.deps.log(`experiment ${this.id}: trial ${t.id} failed; retry ${t.attempt + 1} of ${this.config.maxRetries}`);
    this.createTrial(t.parameters, 'retry', t.attempt + 1, firstAttemptOf ?? t.id);
  }

  private async killAll(intent: KillIntent): Promise<void> {
    const service = this.service;
    if (!service) return;
    const ids = [...this.running.keys()];
    await Promise.all(
      ids.map(async (id) => {
        if (this.killIntents.get(id) !== 'assessor') this.killIntents.set(id, intent);
        const exited = this.waitForExit(id);
        await service.kill(id);
        await exited;
      }),
    );
  }

  /** Asks the assessor about a running trial after its intermediate metric; kills it when told to stop. */
  private assess(trialId: string): void {
    const service = this.service;
    const view = this.history.get(trialId);
    if (!this.assessor || !service || !view || this.killIntents.has(trialId)) return;
    const reason = this.assessor.check(view, this.history.list);
    if (reason === undefined) return;
    this.killIntents.set(trialId, 'assessor');
    this.stopReasons.set(trialId, reason);
    this.appendTrialLog(trialId, `[nasctl] early stopped: ${reason}`);
    service.kill(trialId).catch((e: unknown) => this.deps.log(`experiment ${this.id}: cannot kill early-stopped trial ${trialId}: ${errorText(e)}`));
  }

  /** Writes the export file of every generation the tuner completed since the last call. */
  private exportGenerations(): void {
    if (!this.tuner?.generations || !this.generationExporter) return;
    try {
      this.generationExporter.update(this.tuner, this.history.list);
    } catch (e) {
      this.fail(`tuner '${this.config.tuner.name}' failed in generations: ${errorText(e)}`);
    }
  }

  private waitForExit(trialId: string): Promise<void> {
    if (!this.running.has(trialId)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.exitWaiters.get(trialId) ?? [];
      list.push(resolve);
      this.exitWaiters.set(trialId, list);
    });
  }

  private budget() {
    const active = this.record.activeMs + (this.segmentStart === undefined ? 0 : this.deps.clock() - this.segmentStart);
    return budgetState(this.config, this.countedTrials, active);
  }

  private armDeadline(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
    const ms = this.budget().msLeft;
    if (Number.isFinite(ms) && this.isActive) {
      this.deadline = setTimeout(() => this.requestTick(), Math.min(ms + 5, 2 ** 31 - 1));
      this.deadline.unref();
    }
  }

  private closeSegment(): void {
    if (this.segmentStart === undefined) return;
    this.deps.store.addActiveMs(this.deps.clock() - this.segmentStart);
    this.cached = this.deps.store.getExperiment();
    this.segmentStart = undefined;
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  private setStatus(status: ExperimentStatus, patch: { error?: string | undefined; startedAt?: number; endedAt?: number | undefined }): void {
    const rec = this.deps.store.setExperimentStatus(status, patch);
    this.cached = rec;
    this.deps.log(`experiment ${this.id}: ${status}${rec.error ? ` (${rec.error})` : ''}`);
    this.deps.bus.publish({ experimentId: this.id, type: 'experiment', experiment: rec });
  }

  private publishExperiment(): void {
    this.deps.bus.publish({ experimentId: this.id, type: 'experiment', experiment: this.record });
  }

  private trialChanged(t: TrialRecord): void {
    const before = this.history.get(t.id)?.status;
    if (before !== undefined && before !== t.status) {
      this.counts[before] -= 1;
      this.counts[t.status] += 1;
    }
    this.history.setStatus(t.id, t.status);
    this.deps.bus.publish({ experimentId: this.id, type: 'trial', trial: t });
  }

  private notifySettled(): void {
    if (this.isActive || this.running.size > 0) return;
    const rec = this.record;
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const w of waiters) w(rec);
  }

  private requireActive(what: string): void {
    if (!this.service) throw new ConflictError(`cannot ${what} experiment ${this.id}: it is ${this.record.status}; run \`nasctl resume ${this.id}\` first`);
  }

  private mustGetTrial(trialId: string): TrialRecord {
    const t = this.deps.store.getTrial(trialId);
    if (!t) throw new NotFoundError(`trial '${trialId}' not found in experiment ${this.id}`);
    return t;
  }

  private appendTrialLog(trialId: string, line: string): void {
    try {
      appendFileSync(join(trialDirOf(this.deps.dir, trialId), 'trial.log'), `${new Date(this.deps.clock()).toISOString()} ${line}\n`);
    } catch (e) {
      this.deps.log(`cannot write trial.log of ${trialId}: ${errorText(e)}`);
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
