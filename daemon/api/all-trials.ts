import type { ExperimentService } from '../service/experiment-service';
import type { TrialRecord } from '../store/types';

/** Trials read per service call while walking an experiment's trials. */
const PAGE = 10_000;

/**
 * Every trial of experiment `id`, in sequence order, read page by page through the service's
 * listTrials (so it works on any ExperimentService). Called per request by the routes that need
 * the whole history (pareto, tuner-board, the charts fallback). Throws what the service throws
 * (NotFoundError for an unknown id).
 */
export function* allTrials(service: Pick<ExperimentService, 'listTrials'>, id: string): Generator<TrialRecord> {
  for (let offset = 0; ; offset += PAGE) {
    const page = service.listTrials(id, { sort: 'sequence', order: 'asc', offset, limit: PAGE });
    yield* page.items;
    if (page.items.length < PAGE || offset + PAGE >= page.total) return;
  }
}
