import type { ExperimentDetail, ExperimentSummary, TrialDetail, TrialLogName } from '../service/experiment-service';
import type { LiveDelta } from '../service/live-delta';
import type { MetricRecord, TrialPage, TrialQuery, TrialRecord } from '../store/types';
import type { BudgetUpdate } from '../config/experiment-config';
import type { TrialParameters } from '../../trial-runtime/protocol/messages';
import { NasctlError } from '../errors';
import type { DaemonInfo } from './daemon-info';

/** An error answered by the daemon (`{error: {code, message, path?}}`), re-thrown on the client side. */
export class ApiError extends NasctlError {
  readonly path?: string;
  constructor(status: number, code: string, message: string, path?: string) {
    super(code, status, message);
    if (path !== undefined) this.path = path;
  }
}

/** The daemon could not be reached at all (not running, wrong port, network). */
export class DaemonUnreachableError extends NasctlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DAEMON_UNREACHABLE', 503, message, options);
  }
}

/** Where and how to reach a daemon (a subset of daemon.json). */
export type DaemonAddress = Pick<DaemonInfo, 'host' | 'port' | 'token'>;

/** Base URL of a daemon; wildcard hosts are reached through loopback. */
export function daemonUrl(addr: Pick<DaemonInfo, 'host' | 'port'>): string {
  let host = addr.host;
  if (host === '0.0.0.0' || host === '') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
}

/** One chunk of a log read from an offset. */
export interface LogRead {
  text: Buffer;
  nextOffset: number;
}

function queryString(q: Record<string, string | number | string[] | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * Typed client of the REST API (docs/rest-api.md), on Node's global fetch. Built by CLI
 * commands from daemon.json. Every method throws ApiError for error answers and
 * DaemonUnreachableError when no daemon answers.
 */
export class ApiClient {
  readonly baseUrl: string;
  constructor(private readonly addr: DaemonAddress) {
    this.baseUrl = daemonUrl(addr);
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.addr.token}` };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/v1${path}`, init);
    } catch (err) {
      throw new DaemonUnreachableError(`cannot reach the nasctl daemon at ${this.baseUrl} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}); is it running? try "nasctl daemon status"`, { cause: err });
    }
    if (!res.ok) {
      const text = await res.text();
      let parsed: { error?: { code?: string; message?: string; path?: string } } = {};
      try { parsed = JSON.parse(text) as typeof parsed; } catch { /* not JSON */ }
      const e = parsed.error;
      throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `the daemon answered ${res.status} ${res.statusText}`, e?.path);
    }
    return res;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.request(method, path, body)).json()) as T;
  }

  health(): Promise<{ ok: boolean; version: string; pid: number }> { return this.json('GET', '/health'); }
  async listExperiments(): Promise<ExperimentSummary[]> {
    return (await this.json<{ experiments: ExperimentSummary[] }>('GET', '/experiments')).experiments;
  }
  createExperiment(config: unknown, baseDir: string): Promise<{ id: string; notices: string[] }> {
    return this.json('POST', '/experiments', { config, baseDir });
  }
  getExperiment(id: string): Promise<ExperimentDetail> { return this.json('GET', `/experiments/${encodeURIComponent(id)}`); }
  updateExperiment(id: string, update: BudgetUpdate): Promise<ExperimentDetail> {
    return this.json('PATCH', `/experiments/${encodeURIComponent(id)}`, update);
  }
  stopExperiment(id: string): Promise<ExperimentDetail> { return this.json('POST', `/experiments/${encodeURIComponent(id)}/stop`); }
  resumeExperiment(id: string): Promise<ExperimentDetail> { return this.json('POST', `/experiments/${encodeURIComponent(id)}/resume`); }
  viewExperiment(id: string): Promise<ExperimentDetail> { return this.json('POST', `/experiments/${encodeURIComponent(id)}/view`); }
  deleteExperiment(id: string): Promise<{ deleted: string }> { return this.json('DELETE', `/experiments/${encodeURIComponent(id)}`); }
  listTrials(id: string, q: TrialQuery = {}): Promise<TrialPage> {
    const { status, ...rest } = q;
    return this.json('GET', `/experiments/${encodeURIComponent(id)}/trials${queryString({ ...rest, status })}`);
  }
  getTrial(id: string, trialId: string): Promise<TrialDetail> {
    return this.json('GET', `/experiments/${encodeURIComponent(id)}/trials/${encodeURIComponent(trialId)}`);
  }
  addTrial(id: string, parameters: TrialParameters): Promise<TrialRecord> {
    return this.json('POST', `/experiments/${encodeURIComponent(id)}/trials`, { parameters });
  }
  killTrial(id: string, trialId: string): Promise<TrialRecord> {
    return this.json('POST', `/experiments/${encodeURIComponent(id)}/trials/${encodeURIComponent(trialId)}/kill`);
  }
  retryTrial(id: string, trialId: string): Promise<TrialRecord> {
    return this.json('POST', `/experiments/${encodeURIComponent(id)}/trials/${encodeURIComponent(trialId)}/retry`);
  }
  async trialMetrics(id: string, trialId: string): Promise<MetricRecord[]> {
    return (await this.json<{ metrics: MetricRecord[] }>('GET', `/experiments/${encodeURIComponent(id)}/trials/${encodeURIComponent(trialId)}/metrics`)).metrics;
  }
  async latestMetrics(id: string): Promise<MetricRecord[]> {
    return (await this.json<{ metrics: MetricRecord[] }>('GET', `/experiments/${encodeURIComponent(id)}/metrics/latest`)).metrics;
  }
  /** Reads a trial log from byte `offset` (the daemon serves at most 8 MB per call). */
  async readLog(id: string, trialId: string, name: TrialLogName, offset = 0): Promise<LogRead> {
    const res = await this.request('GET', `/experiments/${encodeURIComponent(id)}/trials/${encodeURIComponent(trialId)}/logs/${name}${queryString({ offset })}`);
    const text = Buffer.from(await res.arrayBuffer());
    const next = Number(res.headers.get('x-next-offset'));
    return { text, nextOffset: Number.isFinite(next) ? next : offset + text.length };
  }
  async exportExperiment(id: string, format: 'csv' | 'json'): Promise<string> {
    return (await this.request('GET', `/experiments/${encodeURIComponent(id)}/export${queryString({ format })}`)).text();
  }
  deltasSince(id: string, since: number): Promise<{ reset: boolean; deltas: LiveDelta[] }> {
    return this.json('GET', `/experiments/${encodeURIComponent(id)}/deltas${queryString({ since })}`);
  }
}
