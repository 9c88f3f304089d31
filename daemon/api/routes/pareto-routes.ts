import { Router } from 'express';
import type { ExperimentService } from '../../service/experiment-service';
import type { RequestSchema, RequestValidator } from '../request-validator';
import { checkId } from '../route-params';
import { experimentPareto } from '../../manager/experiment-pareto';
import { allTrials } from '../all-trials';

const KEY = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$' };
const PARETO_QUERY: RequestSchema = {
  $id: 'pareto-query',
  type: 'object',
  additionalProperties: false,
  properties: { x: KEY, y: KEY },
};

/**
 * GET /experiments/:id/pareto?x=flops&y=default (mounted at /api/v1): the Pareto front of the
 * experiment's trials with a final metric, x minimized and y by the tuner's optimize_mode (see
 * experimentPareto and docs/rest-api.md). Reads through the service's listTrials, so it works on
 * any ExperimentService. Called once by createApiApp; errors go to the API's error handler
 * (NotFoundError for an unknown experiment, BadRequestError for a bad key).
 */
export function paretoRoutes(service: ExperimentService, validator: RequestValidator): Router {
  const r = Router();
  r.get('/experiments/:id/pareto', (req, res) => {
    const id = checkId('id', req.params.id);
    const { x = 'flops', y = 'default' } = validator.query<{ x?: string; y?: string }>(PARETO_QUERY, req.query);
    const record = service.getExperiment(id).record;
    res.json(experimentPareto(record, [...allTrials(service, id)], x, y));
  });
  return r;
}
