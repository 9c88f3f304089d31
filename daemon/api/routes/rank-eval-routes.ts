import { Router } from 'express';
import type { RequestSchema, RequestValidator } from '../request-validator';
import { buildRankEvalView, type RankEvalViewRequest } from './rank-eval-view';

const text = { type: 'string', maxLength: 50_000_000 };
const name = { type: 'string', maxLength: 1000 };

/** Body schema of POST /rank-eval (file texts and names). */
const RANK_EVAL_BODY: RequestSchema = {
  $id: 'nasctl/rank-eval-body',
  type: 'object',
  additionalProperties: false,
  properties: { statistics: text, statisticsName: name, rollouts: text, rolloutsName: name, groundTruth: text, groundTruthName: name },
};

/**
 * Route of the rank-eval page (mounted at /api/v1): POST /rank-eval takes the texts of a
 * statistics file and/or rollouts + ground truth chosen in the browser and answers the criteria
 * and the score-vs-ground-truth points (see buildRankEvalView). Stateless; reads no files.
 * Called once by createApiApp.
 */
export function rankEvalRoutes(validator: RequestValidator): Router {
  const r = Router();
  r.post('/rank-eval', (req, res) => {
    const body = validator.body<RankEvalViewRequest>(RANK_EVAL_BODY, req.body);
    res.json(buildRankEvalView(body));
  });
  return r;
}
