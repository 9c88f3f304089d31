import type { ExperimentDetail, ExperimentSummary } from '../service/experiment-service';
import type { ExperimentStatus, TrialRecord } from '../store/types';
import { formatCounts, formatDuration, formatMetric, formatTable, formatTime } from './format-table';

/** Text lines of `experiment show` (also printed by view / update / resume). Pure. */
export function experimentDetailLines(d: ExperimentDetail): string[] {
  const c = d.record.config;
  const total = Object.values(d.trialCounts).reduce((a, b) => a + b, 0);
  const lines = [
    `experiment ${d.id} (${d.name})`,
    `  status:       ${d.status}${d.readOnly ? ' (view only)' : ''}${d.loaded ? '' : ' (not loaded)'}`,
  ];
  if (d.error) lines.push(`  error:        ${d.error}`);
  lines.push(
    `  created:      ${formatTime(d.createdAt)}   started: ${formatTime(d.startedAt)}   ended: ${formatTime(d.endedAt)}`,
    `  active time:  ${formatDuration(d.record.activeMs)}`,
    `  budgets:      concurrency ${c.trialConcurrency}, max trials ${c.maxTrialNumber ?? 'unlimited'}, max duration ${c.maxExperimentDuration ?? 'unlimited'}, max trial duration ${c.maxTrialDuration ?? 'unlimited'}`,
    `  tuner:        ${c.tuner.name}   platform: ${c.trainingService.platform}`,
    `  trials:       ${total} (${formatCounts(d.trialCounts)})`,
    `  best metric:  ${formatMetric(d.bestMetric)}`,
    `  directory:    ${d.dir}`,
  );
  if (d.waitReasons.length) {
    lines.push('  waiting because:');
    for (const r of d.waitReasons) lines.push(`    - ${r}`);
  }
  return lines;
}

/** The `experiment list` table with a status-count line. Pure. */
export function experimentListText(list: ExperimentSummary[]): string {
  if (list.length === 0) return 'no experiments yet; create one with "nasctl create --config FILE"';
  const counts: Partial<Record<ExperimentStatus, number>> = {};
  for (const e of list) counts[e.status] = (counts[e.status] ?? 0) + 1;
  const rows = list.map((e) => {
    const total = Object.values(e.trialCounts).reduce((a, b) => a + b, 0);
    const done = total - e.trialCounts.WAITING - e.trialCounts.RUNNING;
    return [e.id, e.name, e.status + (e.readOnly ? ' (view)' : ''), `${done}/${total}`, formatMetric(e.bestMetric), formatTime(e.createdAt)];
  });
  const summary = `${list.length} experiment${list.length === 1 ? '' : 's'}: ${formatCounts(counts)}`;
  return `${formatTable(['ID', 'NAME', 'STATUS', 'TRIALS', 'BEST', 'CREATED'], rows)}\n${summary}`;
}

function paramsText(t: TrialRecord, width: number): string {
  const text = Object.entries(t.parameters).map(([k, v]) => {
    const value = v !== null && typeof v === 'object' && '_value' in v ? v._value : v;
    return `${k}=${JSON.stringify(value)}`;
  }).join(' ');
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** The `trial ls` table. Pure apart from `now` for running durations. */
export function trialTableText(items: TrialRecord[], now: number): string {
  const rows = items.map((t) => [
    t.id,
    String(t.sequence),
    t.status,
    formatMetric(t.finalMetric),
    formatDuration(t.startedAt === undefined ? undefined : (t.endedAt ?? now) - t.startedAt),
    t.reason ?? t.waitReason ?? '',
    paramsText(t, 60),
  ]);
  return formatTable(['ID', 'SEQ', 'STATUS', 'METRIC', 'DURATION', 'REASON', 'PARAMETERS'], rows);
}
