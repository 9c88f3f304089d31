import { Router } from 'express';
import type { ExperimentService, TrialLogName } from '../../service/experiment-service';
import type { KeyedTrialQuery } from '../../store/trial-query';
import type { TrialParameters } from '../../../trial-runtime/protocol/messages';
import { BadRequestError } from '../../errors';
import type { RequestValidator } from '../request-validator';
import { checkId } from '../route-params';
import { containedLogPath, readLogChunk } from '../log-file-reader';
import trialsQuerySchema from '../schemas/trials-query.json';
import addTrialSchema from '../schemas/add-trial-body.json';
import logQuerySchema from '../schemas/log-query.json';

const LOG_NAMES: readonly TrialLogName[] = ['stdout', 'stderr', 'trial'];

/**
 * Routes of trials, their metrics and logs (mounted at /api/v1/experiments/:id/trials). Called
 * once by createApiApp. Log routes serve only files inside the trial's directory.
 */
export function trialRoutes(service: ExperimentService, validator: RequestValidator): Router {
  const r = Router();

  r.get('/experiments/:id/trials', (req, res) => {
    const id = checkId('id', req.params.id);
    const query = validator.query<KeyedTrialQuery>(trialsQuerySchema, req.query);
    if (query.sortParam !== undefined && query.sortMetric !== undefined) {
      throw new BadRequestError('query/sortMetric', 'give sortParam or sortMetric, not both');
    }
    if (query.metricMin !== undefined && query.metricMax !== undefined && query.metricMin > query.metricMax) {
      throw new BadRequestError('query/metricMin', `${query.metricMin} is greater than metricMax ${query.metricMax}`);
    }
    res.json(service.listTrials(id, query));
  });

  r.post('/experiments/:id/trials', (req, res) => {
    const id = checkId('id', req.params.id);
    const body = validator.body<{ parameters: TrialParameters }>(addTrialSchema, req.body);
    res.status(201).json(service.addTrial(id, body.parameters));
  });

  r.get('/experiments/:id/trials/:trialId', (req, res) => {
    res.json(service.getTrial(checkId('id', req.params.id), checkId('trialId', req.params.trialId)));
  });

  r.post('/experiments/:id/trials/:trialId/kill', async (req, res) => {
    res.json(await service.killTrial(checkId('id', req.params.id), checkId('trialId', req.params.trialId)));
  });

  r.post('/experiments/:id/trials/:trialId/retry', (req, res) => {
    res.status(201).json(service.retryTrial(checkId('id', req.params.id), checkId('trialId', req.params.trialId)));
  });

  r.get('/experiments/:id/trials/:trialId/metrics', (req, res) => {
    res.json({ metrics: service.metrics(checkId('id', req.params.id), checkId('trialId', req.params.trialId)) });
  });

  r.get('/experiments/:id/trials/:trialId/logs/:name', async (req, res) => {
    const id = checkId('id', req.params.id);
    const trialId = checkId('trialId', req.params.trialId);
    const name = req.params.name as TrialLogName;
    if (!LOG_NAMES.includes(name)) {
      throw new BadRequestError('params/name', `${JSON.stringify(req.params.name)} is not a log; use one of ${LOG_NAMES.join(', ')}`);
    }
    const { offset = 0 } = validator.query<{ offset?: number }>(logQuerySchema, req.query);
    const { trial } = service.getTrial(id, trialId);
    const file = await containedLogPath(trial.trialDir, service.trialLogPath(id, trialId, name));
    const chunk = await readLogChunk(file, offset);
    res.setHeader('X-Next-Offset', String(chunk.nextOffset));
    res.setHeader('X-File-Size', String(chunk.size));
    res.setHeader('Access-Control-Expose-Headers', 'X-Next-Offset, X-File-Size');
    res.type('text/plain; charset=utf-8');
    res.send(chunk.data);
  });

  return r;
}
