import { Router } from 'express';
import type { ExperimentService } from '../../service/experiment-service';
import { NotFoundError } from '../../errors';
import { checkId } from '../route-params';
import { TunerHistory } from '../../manager/tuner-history';
import { prioritizedBoard, readPrioritizedPathSettings, type BoardEntry } from '../../../tuners/prioritized-path-tuner';
import { allTrials } from '../all-trials';

/** One path on the board as the API answers it: the tuner's entry plus when its trial ended. */
export interface TunerBoardEntry extends BoardEntry {
  /** ms since epoch when the trial that evaluated the path ended (it joined the board then); absent if unknown. */
  addedAt?: number;
}

/** The answer of GET /experiments/:id/tuner-board. */
export interface TunerBoardResult {
  tuner: string;
  /** The board's capacity K (classArgs `boardSize`, default 10). */
  boardSize: number;
  /** Finished trials the board was built from. */
  considered: number;
  /** Board entries, best first (Cream's order: metric, then FLOPs descending on ties). */
  entries: TunerBoardEntry[];
}

/**
 * GET /experiments/:id/tuner-board (mounted at /api/v1): the prioritized board of an experiment
 * searched with the PrioritizedPath tuner, rebuilt from the trial history with the experiment's
 * own classArgs and cost model (the same pure function the tuner uses, so the two never differ).
 * NotFoundError for an unknown experiment or one searched with another tuner.
 */
export function tunerBoardRoutes(service: ExperimentService): Router {
  const r = Router();
  r.get('/experiments/:id/tuner-board', (req, res) => {
    const id = checkId('id', req.params.id);
    const config = service.getExperiment(id).record.config;
    if (config.tuner.name.toLowerCase() !== 'prioritizedpath') {
      throw new NotFoundError(`experiment ${id} searches with tuner '${config.tuner.name}'; only PrioritizedPath keeps a board (a supernet trained with --strategy cream publishes its own: GET /experiments/${id}/board)`);
    }
    const history = new TunerHistory();
    const endedAt = new Map<string, number>();
    let considered = 0;
    for (const t of allTrials(service, id)) {
      history.add(t);
      if (t.finalMetric !== undefined) considered++;
      if (t.endedAt !== undefined) endedAt.set(t.id, t.endedAt);
    }
    const classArgs = config.tuner.classArgs ?? {};
    const entries = prioritizedBoard(history.list, config.searchSpace, classArgs, config.searchSpaceCost).map((e): TunerBoardEntry => {
      const addedAt = endedAt.get(e.trialId);
      return addedAt === undefined ? e : { ...e, addedAt };
    });
    const boardSize = readPrioritizedPathSettings(classArgs, config.searchSpaceCost).boardSize;
    const result: TunerBoardResult = { tuner: config.tuner.name, boardSize, considered, entries };
    res.json(result);
  });
  return r;
}
