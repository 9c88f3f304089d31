import * as path from 'node:path';
import type { ExperimentConfig } from '../config/experiment-config';
import type { MetricValue, TrialParameters } from '../../trial-runtime/protocol/messages';
import type {
  ConfigRevision, ExperimentRecord, ExperimentStatus, MetricRecord, ParameterSource, TrialEvent, TrialRecord,
  TrialStatus,
} from './types';

/** A row of the `experiment` table. */
export interface ExperimentRow {
  id: string; name: string; status: string; error: string | null; created_at: number;
  started_at: number | null; ended_at: number | null; active_ms: number; config: string; config_revision: number;
}

/** A row of the `trials` table. */
export interface TrialRow {
  sequence: number; id: string; parameters: string; source: string; retry_of: string | null; attempt: number;
  status: string; wait_reason: string | null; exit_code: number | null; signal: string | null; reason: string | null;
  created_at: number; started_at: number | null; ended_at: number | null; final_metric: string | null;
  final_default: number | null; intermediate_count: number; gpu_indices: string | null; trial_dir: string;
}

/** A row of the `trial_events` table. */
export interface EventRow {
  seq: number; trial_id: string; from_status: string | null; to_status: string; at: number; reason: string | null;
}

/** A row of the `metrics` table. */
export interface MetricRow { trial_id: string; seq: number; kind: string; value: string; at: number }

/** A row of the `config_revisions` table. */
export interface RevisionRow { revision: number; config: string; at: number }

/** Maps an experiment row to its record; absent columns become absent fields. */
export function toExperiment(r: ExperimentRow): ExperimentRecord {
  const e: ExperimentRecord = {
    id: r.id, name: r.name, status: r.status as ExperimentStatus, config: JSON.parse(r.config) as ExperimentConfig,
    configRevision: r.config_revision, createdAt: r.created_at, activeMs: r.active_ms,
  };
  if (r.error !== null) e.error = r.error;
  if (r.started_at !== null) e.startedAt = r.started_at;
  if (r.ended_at !== null) e.endedAt = r.ended_at;
  return e;
}

/** Maps a trial row to its record; `baseDir` resolves a relative trial_dir (see storedTrialDir). */
export function toTrial(r: TrialRow, baseDir: string): TrialRecord {
  const t: TrialRecord = {
    id: r.id, sequence: r.sequence, parameters: JSON.parse(r.parameters) as TrialParameters,
    source: r.source as ParameterSource, attempt: r.attempt, status: r.status as TrialStatus,
    createdAt: r.created_at, intermediateCount: r.intermediate_count, trialDir: resolveTrialDir(r.trial_dir, baseDir),
  };
  if (r.retry_of !== null) t.retryOf = r.retry_of;
  if (r.wait_reason !== null) t.waitReason = r.wait_reason;
  if (r.exit_code !== null) t.exitCode = r.exit_code;
  if (r.signal !== null) t.signal = r.signal;
  if (r.reason !== null) t.reason = r.reason;
  if (r.started_at !== null) t.startedAt = r.started_at;
  if (r.ended_at !== null) t.endedAt = r.ended_at;
  if (r.final_metric !== null) t.finalMetric = JSON.parse(r.final_metric) as MetricValue;
  if (r.gpu_indices !== null) t.gpuIndices = JSON.parse(r.gpu_indices) as number[];
  return t;
}

/** Maps an event row to its record. */
export function toEvent(r: EventRow): TrialEvent {
  const e: TrialEvent = { seq: r.seq, trialId: r.trial_id, to: r.to_status as TrialStatus, at: r.at };
  if (r.from_status !== null) e.from = r.from_status as TrialStatus;
  if (r.reason !== null) e.reason = r.reason;
  return e;
}

/** Maps a metric row to its record. */
export function toMetric(r: MetricRow): MetricRecord {
  return { trialId: r.trial_id, seq: r.seq, kind: r.kind as MetricRecord['kind'], value: JSON.parse(r.value) as MetricValue, at: r.at };
}

/** Maps a config revision row to its record. */
export function toRevision(r: RevisionRow): ConfigRevision {
  return { revision: r.revision, config: JSON.parse(r.config) as ExperimentConfig, at: r.at };
}

/**
 * The trial_dir column value: relative to `baseDir` (the database's folder, '/'-separated) when
 * the directory lies inside it, so a copied experiment folder still finds its trials; else absolute.
 */
export function storedTrialDir(trialDir: string, baseDir: string): string {
  const rel = path.relative(baseDir, path.resolve(trialDir));
  if (rel === '') return '.';
  if (path.isAbsolute(rel) || rel === '..' || rel.startsWith(`..${path.sep}`)) return path.resolve(trialDir);
  return rel.split(path.sep).join('/');
}

/** Inverse of storedTrialDir: an absolute path. */
export function resolveTrialDir(stored: string, baseDir: string): string {
  return path.isAbsolute(stored) ? stored : path.resolve(baseDir, stored);
}
