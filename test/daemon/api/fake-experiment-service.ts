import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentDetail, ExperimentService, ExperimentSummary, TrialDetail, TrialLogName } from '../../../daemon/service/experiment-service';
import type { LiveDelta } from '../../../daemon/service/live-delta';
import type { TrialChartRows } from '../../../daemon/store/store';
import type { ExperimentRecord, ExperimentStatus, MetricRecord, TrialPage, TrialQuery, TrialRecord, TrialStatus } from '../../../daemon/store/types';
import { TRIAL_STATUSES, isFinished } from '../../../daemon/store/types';
import type { BudgetUpdate, ExperimentConfig } from '../../../daemon/config/experiment-config';
import type { MetricValue, TrialParameters } from '../../../trial-runtime/protocol/messages';
import { ConfigError, ConflictError, InvalidTransitionError, NotFoundError } from '../../../daemon/errors';

/** A delta without seq and experimentId (the fake assigns both). */
type DeltaBody = LiveDelta extends infer D ? (D extends LiveDelta ? Omit<D, 'seq' | 'experimentId'> : never) : never;

function metricNumber(v: MetricValue | undefined): number | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? v : v.default;
}

/**
 * In-memory ExperimentService for API / live / CLI tests: experiments and trials in maps, deltas
 * numbered per experiment, `calls` records every mutating call. `logPathOverride` lets a test make
 * trialLogPath return a hostile path.
 */
export class FakeExperimentService implements ExperimentService {
  readonly experiments = new Map<string, ExperimentRecord>();
  readonly trials = new Map<string, TrialRecord[]>();
  readonly metricRows = new Map<string, MetricRecord[]>();
  readonly deltaLog = new Map<string, LiveDelta[]>();
  /** Deltas with seq < this are "forgotten" (deltasSince answers null). */
  forgetBefore = 0;
  readonly calls: string[] = [];
  logPathOverride?: (trialDir: string, name: TrialLogName) => string;
  private readonly listeners = new Set<(d: LiveDelta) => void>();
  private nextId = 1;

  constructor(readonly root: string) {}

  private exp(id: string): ExperimentRecord {
    const e = this.experiments.get(id);
    if (!e) throw new NotFoundError(`experiment ${id} not found; run "nasctl experiment list" to see the ids`);
    return e;
  }

  private trial(id: string, trialId: string): TrialRecord {
    const t = (this.trials.get(id) ?? []).find((x) => x.id === trialId);
    if (!t) throw new NotFoundError(`trial ${trialId} of experiment ${id} not found`);
    return t;
  }

  /** Appends a delta (assigning seq) and notifies listeners. */
  emit(experimentId: string, body: DeltaBody): LiveDelta {
    const log = this.deltaLog.get(experimentId) ?? [];
    const delta = { ...body, seq: log.length + 1, experimentId } as LiveDelta;
    log.push(delta);
    this.deltaLog.set(experimentId, log);
    for (const l of this.listeners) l(delta);
    return delta;
  }

  setExperimentStatus(id: string, status: ExperimentStatus, error?: string): void {
    const e = this.exp(id);
    e.status = status;
    if (error !== undefined) e.error = error;
    this.emit(id, { type: 'experiment', experiment: { ...e } });
  }

  /** Test helper: moves a trial to `status` (and final metric), emitting deltas. */
  finishTrial(id: string, trialId: string, status: TrialStatus, metric?: number): TrialRecord {
    const t = this.trial(id, trialId);
    t.status = status;
    if (isFinished(status)) t.endedAt = Date.now();
    if (metric !== undefined) {
      t.finalMetric = metric;
      const rows = this.metricRows.get(`${id}/${trialId}`) ?? [];
      const m: MetricRecord = { trialId, seq: rows.length, kind: 'final', value: metric, at: Date.now() };
      rows.push(m);
      this.metricRows.set(`${id}/${trialId}`, rows);
      this.emit(id, { type: 'metric', metric: m });
    }
    this.emit(id, { type: 'trial', trial: { ...t } });
    return t;
  }

  summary(e: ExperimentRecord): ExperimentSummary {
    const counts = Object.fromEntries(TRIAL_STATUSES.map((s) => [s, 0])) as Record<TrialStatus, number>;
    let best: number | undefined;
    for (const t of this.trials.get(e.id) ?? []) {
      counts[t.status] += 1;
      const m = metricNumber(t.finalMetric);
      if (m !== undefined && (best === undefined || m > best)) best = m;
    }
    const s: ExperimentSummary = {
      id: e.id, name: e.name, status: e.status, createdAt: e.createdAt, trialCounts: counts,
      loaded: true, readOnly: false, dir: join(this.root, e.id),
    };
    if (e.error !== undefined) s.error = e.error;
    if (best !== undefined) s.bestMetric = best;
    return s;
  }

  listExperiments(): ExperimentSummary[] {
    return [...this.experiments.values()].map((e) => this.summary(e));
  }

  getExperiment(id: string): ExperimentDetail {
    const e = this.exp(id);
    return { ...this.summary(e), record: e, waitReasons: e.status === 'RUNNING' ? ['trialConcurrency 1 reached'] : [] };
  }

  async createExperiment(rawConfig: unknown, baseDir: string): Promise<{ id: string; notices: string[] }> {
    this.calls.push(`create ${baseDir}`);
    const raw = rawConfig as Record<string, unknown>;
    if (typeof raw.trialCommand !== 'string') throw new ConfigError('/trialCommand', 'is required; set the command that runs one trial');
    const id = `exp${this.nextId++}`;
    const config = { trialCommand: raw.trialCommand, trialConcurrency: 1, maxRetries: 0, searchSpace: {}, trialCodeDirectory: baseDir, tuner: { name: 'random' }, trainingService: { platform: 'local', maxTrialNumberPerGpu: 1, reuseMode: false }, logLevel: 'info', seed: 0 } as ExperimentConfig;
    const rec: ExperimentRecord = { id, name: String(raw.experimentName ?? id), status: 'RUNNING', config, configRevision: 1, createdAt: Date.now(), activeMs: 0 };
    this.experiments.set(id, rec);
    this.trials.set(id, []);
    mkdirSync(join(this.root, id, 'trials'), { recursive: true });
    this.emit(id, { type: 'experiment', experiment: { ...rec } });
    return { id, notices: ['fake notice'] };
  }

  updateExperiment(id: string, update: BudgetUpdate): ExperimentDetail {
    const e = this.exp(id);
    this.calls.push(`update ${id} ${JSON.stringify(update)}`);
    Object.assign(e.config, update);
    e.configRevision += 1;
    return this.getExperiment(id);
  }

  async stopExperiment(id: string): Promise<void> {
    const e = this.exp(id);
    this.calls.push(`stop ${id}`);
    if (e.status === 'STOPPED') throw new ConflictError(`experiment ${id} is already stopped`);
    this.setExperimentStatus(id, 'STOPPED');
  }

  async resumeExperiment(id: string): Promise<void> {
    const e = this.exp(id);
    this.calls.push(`resume ${id}`);
    if (e.status === 'RUNNING') throw new ConflictError(`experiment ${id} is running; stop it first`);
    this.setExperimentStatus(id, 'RUNNING');
  }

  viewExperiment(id: string): ExperimentDetail {
    this.calls.push(`view ${id}`);
    return { ...this.getExperiment(id), readOnly: true };
  }

  async deleteExperiment(id: string): Promise<void> {
    this.exp(id);
    this.calls.push(`delete ${id}`);
    this.experiments.delete(id);
    this.trials.delete(id);
  }

  listTrials(id: string, query: TrialQuery): TrialPage {
    this.exp(id);
    this.calls.push(`listTrials ${id} ${JSON.stringify(query)}`);
    let items = [...(this.trials.get(id) ?? [])];
    if (query.status) items = items.filter((t) => query.status?.includes(t.status));
    if (query.search) items = items.filter((t) => t.id.includes(query.search ?? '') || JSON.stringify(t.parameters).includes(query.search ?? ''));
    if (query.order === 'desc') items.reverse();
    const total = items.length;
    const offset = query.offset ?? 0;
    return { items: items.slice(offset, query.limit === undefined ? undefined : offset + query.limit), total };
  }

  trialChartRows(id: string, withParameters: boolean): TrialChartRows {
    this.exp(id);
    this.calls.push(`trialChartRows ${id} ${withParameters}`);
    const trials = [...(this.trials.get(id) ?? [])].sort((a, b) => a.sequence - b.sequence);
    return {
      rows: trials.map(({ sequence, id: tid, finalMetric, startedAt, endedAt }) => ({ sequence, id: tid, finalMetric, startedAt, endedAt })),
      parametersOf: (i) => trials[i].parameters,
    };
  }

  getTrial(id: string, trialId: string): TrialDetail {
    this.exp(id);
    const trial = this.trial(id, trialId);
    return { trial, metrics: this.metrics(id, trialId), events: [] };
  }

  async killTrial(id: string, trialId: string): Promise<TrialRecord> {
    this.exp(id);
    const t = this.trial(id, trialId);
    if (isFinished(t.status)) throw new InvalidTransitionError(`trial ${trialId} already ended (${t.status}); nothing to kill`);
    return this.finishTrial(id, trialId, 'USER_CANCELED');
  }

  addTrial(id: string, parameters: TrialParameters): TrialRecord {
    this.exp(id);
    const list = this.trials.get(id) ?? [];
    const trialId = `t${list.length}`;
    const trialDir = join(this.root, id, 'trials', trialId);
    mkdirSync(trialDir, { recursive: true });
    const t: TrialRecord = { id: trialId, sequence: list.length, parameters, source: 'user', attempt: 0, status: 'WAITING', createdAt: Date.now(), intermediateCount: 0, trialDir };
    list.push(t);
    this.trials.set(id, list);
    this.emit(id, { type: 'trial', trial: { ...t } });
    return t;
  }

  retryTrial(id: string, trialId: string): TrialRecord {
    const old = this.trial(id, trialId);
    if (!isFinished(old.status)) throw new InvalidTransitionError(`trial ${trialId} is ${old.status}; only ended trials can be retried`);
    const t = this.addTrial(id, old.parameters);
    t.source = 'retry';
    t.retryOf = trialId;
    t.attempt = old.attempt + 1;
    return t;
  }

  metrics(id: string, trialId: string): MetricRecord[] {
    this.trial(id, trialId);
    return this.metricRows.get(`${id}/${trialId}`) ?? [];
  }

  latestMetrics(id: string): MetricRecord[] {
    this.exp(id);
    return [...this.metricRows.entries()].filter(([k]) => k.startsWith(`${id}/`)).map(([, rows]) => rows[rows.length - 1]).filter((m): m is MetricRecord => m !== undefined);
  }

  trialLogPath(id: string, trialId: string, name: TrialLogName): string {
    const t = this.trial(id, trialId);
    if (this.logPathOverride) return this.logPathOverride(t.trialDir, name);
    return join(t.trialDir, name === 'trial' ? 'trial.log' : `${name}.log`);
  }

  exportExperiment(id: string, format: 'csv' | 'json'): string {
    const list = this.trials.get(this.exp(id).id) ?? [];
    if (format === 'json') return JSON.stringify(list.map((t) => ({ id: t.id, status: t.status, parameters: t.parameters, metric: metricNumber(t.finalMetric) })));
    return ['id,status,metric', ...list.map((t) => `${t.id},${t.status},${metricNumber(t.finalMetric) ?? ''}`)].join('\n') + '\n';
  }

  subscribe(listener: (delta: LiveDelta) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  deltasSince(id: string, seq: number): LiveDelta[] | null {
    this.exp(id);
    if (seq + 1 < this.forgetBefore) return null;
    return (this.deltaLog.get(id) ?? []).filter((d) => d.seq > seq);
  }

  listenerCount(): number {
    return this.listeners.size;
  }
}
