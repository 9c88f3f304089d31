import type { TrialView } from '../../../tuners/tuner';

/** A hand-made trial view for assessor tests (sequence = position in the history array given later). */
export function view(id: string, status: TrialView['status'], intermediate: number[], finalMetric?: number): TrialView {
  return { id, sequence: Number(id.replace(/\D/g, '')) || 0, parameters: {}, status, intermediate, ...(finalMetric === undefined ? {} : { finalMetric }) };
}
