import { BadRequestError, ConflictError, NotFoundError, StoreError } from '../errors';
import type { ExperimentConfig } from '../config/experiment-config';
import type { MetricValue } from '../../trial-runtime/protocol/messages';
import type { ExperimentStore, TrialChartRow, TrialChartRows } from './store';
import {
  TRIAL_STATUSES, type ConfigRevision, type ExperimentRecord, type ExperimentStatus, type MetricRecord,
  type NewExperiment, type NewTrial, type TrialEvent, type TrialPage, type TrialPatch, type TrialQuery,
  type TrialRecord, type TrialStatus,
} from './types';
import { canonicalJson } from './canonical-json';
import { checkMetricValue } from './metric-value';
import { normalizeTrialQuery } from './trial-query';
import { checkTransition, transitionTime } from './trial-transitions';
import { selectTrials } from './select-trials';

/**
 * Creates an empty in-memory store with the SQLite store's semantics (compare-and-set
 * transitions with events, metric sequences, paging/sorting/filtering). Used by tests and by
 * `view` when there is nothing on disk. Nothing survives close(); every returned object is a copy.
 */
export function createMemoryStore(): ExperimentStore {
  return new MemoryStore();
}

class MemoryStore implements ExperimentStore {
  private experiment: ExperimentRecord | undefined;
  private revisions: ConfigRevision[] = [];
  private readonly trials: TrialRecord[] = [];
  private readonly byId = new Map<string, TrialRecord>();
  private readonly events: TrialEvent[] = [];
  private readonly metricsById = new Map<string, MetricRecord[]>();
  private readonly meta = new Map<string, string>();
  private closed = false;

  createExperiment(e: NewExperiment): ExperimentRecord {
    this.open();
    if (this.experiment !== undefined) {
      throw new ConflictError(`experiment ${this.experiment.id} already exists in this store; use a new store for ${e.id}`);
    }
    this.experiment = {
      id: e.id, name: e.name, status: 'RUNNING', config: structuredClone(e.config), configRevision: 1,
      createdAt: e.createdAt, activeMs: 0,
    };
    this.revisions = [{ revision: 1, config: structuredClone(e.config), at: e.createdAt }];
    return structuredClone(this.experiment);
  }

  getExperiment(): ExperimentRecord {
    return structuredClone(this.exp());
  }

  setExperimentStatus(
    status: ExperimentStatus,
    patch: { error?: string | undefined; startedAt?: number; endedAt?: number | undefined } = {},
  ): ExperimentRecord {
    const exp = this.exp();
    exp.status = status;
    if (patch.error === undefined) delete exp.error; else exp.error = patch.error;
    if (patch.startedAt !== undefined) exp.startedAt = patch.startedAt;
    if ('endedAt' in patch) {
      if (patch.endedAt === undefined) delete exp.endedAt; else exp.endedAt = patch.endedAt;
    }
    return structuredClone(exp);
  }

  addActiveMs(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new BadRequestError('ms', `active time must be a non-negative number of ms, got ${ms}`);
    this.exp().activeMs += Math.round(ms);
  }

  updateConfig(config: ExperimentConfig, at: number): number {
    const exp = this.exp();
    if (canonicalJson(config) === canonicalJson(exp.config)) return exp.configRevision;
    exp.configRevision += 1;
    exp.config = structuredClone(config);
    this.revisions.push({ revision: exp.configRevision, config: structuredClone(config), at });
    return exp.configRevision;
  }

  configRevisions(): ConfigRevision[] {
    this.open();
    return structuredClone(this.revisions);
  }

  createTrial(t: NewTrial): TrialRecord {
    this.open();
    if (this.byId.has(t.id)) throw new ConflictError(`trial ${t.id} already exists; trial ids must be unique`);
    const rec: TrialRecord = {
      id: t.id, sequence: this.trials.length, parameters: structuredClone(t.parameters), source: t.source,
      attempt: t.attempt, status: 'WAITING', createdAt: t.createdAt, intermediateCount: 0, trialDir: t.trialDir,
    };
    if (t.retryOf !== undefined) rec.retryOf = t.retryOf;
    this.trials.push(rec);
    this.byId.set(rec.id, rec);
    this.events.push({ seq: this.events.length + 1, trialId: rec.id, to: 'WAITING', at: t.createdAt });
    return structuredClone(rec);
  }

  transitionTrial(id: string, from: TrialStatus, to: TrialStatus, patch: TrialPatch = {}): TrialRecord | null {
    this.open();
    checkTransition(id, from, to);
    const rec = this.trial(id);
    if (rec.status !== from) return null;
    rec.status = to;
    delete rec.waitReason;
    if (patch.startedAt !== undefined) rec.startedAt = patch.startedAt;
    if (patch.endedAt !== undefined) rec.endedAt = patch.endedAt;
    if (patch.exitCode !== undefined) rec.exitCode = patch.exitCode;
    if (patch.signal !== undefined) rec.signal = patch.signal;
    if (patch.reason !== undefined) rec.reason = patch.reason;
    if (patch.gpuIndices !== undefined) rec.gpuIndices = [...patch.gpuIndices];
    const ev: TrialEvent = { seq: this.events.length + 1, trialId: id, from, to, at: transitionTime(to, patch, Date.now()) };
    if (patch.reason !== undefined) ev.reason = patch.reason;
    this.events.push(ev);
    return structuredClone(rec);
  }

  setWaitReason(id: string, reason: string | undefined): void {
    this.open();
    const rec = this.trial(id);
    if (rec.status !== 'WAITING') return;
    if (reason === undefined) delete rec.waitReason; else rec.waitReason = reason;
  }

  getTrial(id: string): TrialRecord | undefined {
    this.open();
    const rec = this.byId.get(id);
    return rec === undefined ? undefined : structuredClone(rec);
  }

  listTrials(q?: TrialQuery): TrialPage {
    this.open();
    const page = selectTrials(this.trials, normalizeTrialQuery(q));
    return { items: structuredClone(page.items), total: page.total };
  }

  allTrials(): TrialRecord[] {
    this.open();
    return structuredClone(this.trials);
  }

  trialChartRows(): TrialChartRows {
    this.open();
    const trials = [...this.trials];
    const rows = trials.map((t) => {
      const row: TrialChartRow = { sequence: t.sequence, id: t.id };
      if (t.finalMetric !== undefined) row.finalMetric = structuredClone(t.finalMetric);
      if (t.startedAt !== undefined) row.startedAt = t.startedAt;
      if (t.endedAt !== undefined) row.endedAt = t.endedAt;
      return row;
    });
    return { rows, parametersOf: (i) => structuredClone(trials[i].parameters) };
  }

  countByStatus(): Record<TrialStatus, number> {
    this.open();
    const counts = Object.fromEntries(TRIAL_STATUSES.map((s) => [s, 0])) as Record<TrialStatus, number>;
    for (const t of this.trials) counts[t.status] += 1;
    return counts;
  }

  trialEvents(trialId?: string): TrialEvent[] {
    this.open();
    return structuredClone(trialId === undefined ? this.events : this.events.filter((e) => e.trialId === trialId));
  }

  addMetric(trialId: string, kind: 'intermediate' | 'final', value: MetricValue, at: number): MetricRecord {
    this.open();
    const rec = this.trial(trialId);
    checkMetricValue(trialId, value);
    let list = this.metricsById.get(trialId);
    if (list === undefined) this.metricsById.set(trialId, (list = []));
    const m: MetricRecord = { trialId, seq: list.length, kind, value: structuredClone(value), at };
    list.push(m);
    if (kind === 'final') rec.finalMetric = structuredClone(value);
    else rec.intermediateCount += 1;
    return structuredClone(m);
  }

  metrics(trialId: string): MetricRecord[] {
    this.open();
    return structuredClone(this.metricsById.get(trialId) ?? []);
  }

  latestMetrics(): MetricRecord[] {
    this.open();
    const out: MetricRecord[] = [];
    for (const t of this.trials) {
      const list = this.metricsById.get(t.id);
      if (list !== undefined && list.length > 0) out.push(structuredClone(list[list.length - 1]!));
    }
    return out;
  }

  getMeta(key: string): unknown {
    this.open();
    const text = this.meta.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  setMeta(key: string, value: unknown): void {
    this.open();
    if (value === undefined) this.meta.delete(key);
    else this.meta.set(key, JSON.stringify(value));
  }

  flush(): void {
    // Nothing to make durable.
  }

  close(): void {
    this.closed = true;
  }

  private open(): void {
    if (this.closed) throw new StoreError('the in-memory store was closed; create a new one');
  }

  private exp(): ExperimentRecord {
    this.open();
    if (this.experiment === undefined) throw new NotFoundError('this store holds no experiment yet; create it first');
    return this.experiment;
  }

  private trial(id: string): TrialRecord {
    const rec = this.byId.get(id);
    if (rec === undefined) throw new NotFoundError(`trial ${id} not found in this experiment; list trials with \`nasctl trial ls\``);
    return rec;
  }
}
