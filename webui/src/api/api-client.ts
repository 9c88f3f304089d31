import type {
  ApiErrorBody, BudgetUpdate, ExperimentDetail, ExperimentSummary, MetricRecord, TrialDetail,
  TrialLogName, TrialPage, TrialParameters, TrialRecord,
  BoardSnapshot, CheckpointList, RankEvalView, RankEvalViewRequest, TunerBoardResult,
} from './types';
import type { KeyedTrialQuery } from '../../../daemon/store/trial-query';
import type { ChartColumns } from '../../../daemon/api/chart-columns';
import { ApiError } from './api-error';

/** One chunk of a log file, for tailing with the next offset. */
export interface LogChunk {
  text: string;
  nextOffset: number;
  size: number;
}

/**
 * Typed client of the daemon's REST API (docs/rest-api.md), used by every page. Created once by
 * the app shell; `token` (from `?token=` in the page address) is sent as a Bearer header.
 * Every method rejects with ApiError (status, code, message) when the daemon answers an error,
 * and with ApiError code NETWORK when the daemon cannot be reached.
 */
export class ApiClient {
  constructor(private readonly base: string = '/api/v1', private readonly token?: string) {}

  listExperiments(): Promise<ExperimentSummary[]> {
    return this.json<{ experiments: ExperimentSummary[] }>('GET', '/experiments').then((r) => r.experiments);
  }

  getExperiment(id: string): Promise<ExperimentDetail> {
    return this.json('GET', `/experiments/${enc(id)}`);
  }

  updateExperiment(id: string, update: BudgetUpdate): Promise<ExperimentDetail> {
    return this.json('PATCH', `/experiments/${enc(id)}`, update);
  }

  experimentAction(id: string, action: 'stop' | 'resume' | 'view'): Promise<ExperimentDetail> {
    return this.json('POST', `/experiments/${enc(id)}/${action}`);
  }

  listTrials(id: string, query: KeyedTrialQuery, signal?: AbortSignal): Promise<TrialPage> {
    return this.json('GET', `/experiments/${enc(id)}/trials${trialQueryString(query)}`, undefined, signal);
  }

  /** Every trial as chart columns (GET /experiments/:id/charts). */
  charts(id: string): Promise<ChartColumns> {
    return this.json('GET', `/experiments/${enc(id)}/charts`);
  }

  getTrial(id: string, trialId: string): Promise<TrialDetail> {
    return this.json('GET', `/experiments/${enc(id)}/trials/${enc(trialId)}`);
  }

  trialMetrics(id: string, trialId: string): Promise<MetricRecord[]> {
    return this.json<{ metrics: MetricRecord[] }>('GET', `/experiments/${enc(id)}/trials/${enc(trialId)}/metrics`).then((r) => r.metrics);
  }

  killTrial(id: string, trialId: string): Promise<TrialRecord> {
    return this.json('POST', `/experiments/${enc(id)}/trials/${enc(trialId)}/kill`);
  }

  retryTrial(id: string, trialId: string): Promise<TrialRecord> {
    return this.json('POST', `/experiments/${enc(id)}/trials/${enc(trialId)}/retry`);
  }

  addTrial(id: string, parameters: TrialParameters): Promise<TrialRecord> {
    return this.json('POST', `/experiments/${enc(id)}/trials`, { parameters });
  }

  /** Bytes of a trial log from `offset` (0 = from the start); an absent log reads as empty. */
  async trialLog(id: string, trialId: string, name: TrialLogName, offset: number): Promise<LogChunk> {
    const res = await this.fetch('GET', `/experiments/${enc(id)}/trials/${enc(trialId)}/logs/${name}?offset=${offset}`);
    const text = await res.text();
    return {
      text,
      nextOffset: Number(res.headers.get('X-Next-Offset') ?? offset + text.length),
      size: Number(res.headers.get('X-File-Size') ?? 0),
    };
  }

  /** The latest metric of each trial (GET /experiments/:id/metrics/latest). */
  getLatestMetrics(id: string): Promise<MetricRecord[]> {
    return this.json<{ metrics: MetricRecord[] }>('GET', `/experiments/${enc(id)}/metrics/latest`).then((r) => r.metrics);
  }

  /** Supernet checkpoints of an experiment (GET /experiments/:id/checkpoints). */
  checkpoints(id: string): Promise<CheckpointList> {
    return this.json('GET', `/experiments/${enc(id)}/checkpoints`);
  }

  /** The Cream board; rejects with ApiError status 404 when the experiment has none. */
  board(id: string): Promise<BoardSnapshot> {
    return this.json('GET', `/experiments/${enc(id)}/board`);
  }

  /**
   * The PrioritizedPath tuner's board (GET /experiments/:id/tuner-board); rejects with ApiError
   * status 404 when the experiment searches with another tuner.
   */
  tunerBoard(id: string): Promise<TunerBoardResult> {
    return this.json('GET', `/experiments/${enc(id)}/tuner-board`);
  }

  /** Rank-eval page data from the texts of the chosen files (POST /rank-eval). */
  rankEval(body: RankEvalViewRequest): Promise<RankEvalView> {
    return this.json('POST', '/rank-eval', body);
  }

  /** Address of the export download (for a plain link). */
  exportUrl(id: string, format: 'csv' | 'json'): string {
    const t = this.token ? `&token=${encodeURIComponent(this.token)}` : '';
    return `${this.base}/experiments/${enc(id)}/export?format=${format}${t}`;
  }

  private async json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.fetch(method, path, body, signal);
    return (await res.json()) as T;
  }

  private async fetch(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'NETWORK', `cannot reach the nasctl daemon (${method} ${path}): is it running? Try \`nasctl daemon status\``);
    }
    if (!res.ok) {
      let parsed: ApiErrorBody | undefined;
      try {
        parsed = (await res.json()) as ApiErrorBody;
      } catch {
        parsed = undefined;
      }
      const e = parsed?.error;
      throw new ApiError(res.status, e?.code ?? 'HTTP', e?.message ?? `${method} ${path} answered ${res.status}`, e?.path);
    }
    return res;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** Query string of GET /trials for `q` (empty fields left out). */
export function trialQueryString(q: KeyedTrialQuery): string {
  const p = new URLSearchParams();
  if (q.status && q.status.length > 0) p.set('status', q.status.join(','));
  if (q.sort) p.set('sort', q.sort);
  if (q.sortParam) p.set('sortParam', q.sortParam);
  if (q.sortMetric) p.set('sortMetric', q.sortMetric);
  if (q.order) p.set('order', q.order);
  if (q.offset !== undefined) p.set('offset', String(q.offset));
  if (q.limit !== undefined) p.set('limit', String(q.limit));
  if (q.search) p.set('search', q.search);
  if (q.metricMin !== undefined) p.set('metricMin', String(q.metricMin));
  if (q.metricMax !== undefined) p.set('metricMax', String(q.metricMax));
  const s = p.toString();
  return s ? `?${s}` : '';
}
