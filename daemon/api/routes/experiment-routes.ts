import { Router } from 'express';
import type { ExperimentService } from '../../service/experiment-service';
import type { BudgetUpdate } from '../../config/experiment-config';
import type { RequestValidator } from '../request-validator';
import { checkId } from '../route-params';
import createBodySchema from '../schemas/create-experiment-body.json';
import updateBodySchema from '../schemas/update-experiment-body.json';
import exportQuerySchema from '../schemas/export-query.json';
import deltasQuerySchema from '../schemas/deltas-query.json';
import chartsQuerySchema from '../schemas/charts-query.json';
import { DEFAULT_CHART_SAMPLE } from '../chart-columns';
import { readChartColumns } from '../chart-source';

interface CreateBody {
  config: Record<string, unknown>;
  baseDir?: string;
}

/**
 * Routes of experiments (mounted at /api/v1): list, create, show, budget update, stop, resume,
 * view, delete, export, deltas. Called once by createApiApp. Errors thrown by the service are
 * passed to the API's error handler.
 */
export function experimentRoutes(service: ExperimentService, validator: RequestValidator, defaultBaseDir: string): Router {
  const r = Router();

  r.get('/experiments', (_req, res) => {
    res.json({ experiments: service.listExperiments() });
  });

  r.post('/experiments', async (req, res) => {
    const body = validator.body<CreateBody>(createBodySchema, req.body);
    const created = await service.createExperiment(body.config, body.baseDir ?? defaultBaseDir);
    res.status(201).json(created);
  });

  r.get('/experiments/:id/charts', (req, res) => {
    const id = checkId('id', req.params.id);
    const q = validator.query<{ sample?: number }>(chartsQuerySchema, req.query);
    res.json(readChartColumns(service, id, q.sample ?? DEFAULT_CHART_SAMPLE));
  });

  r.get('/experiments/:id', (req, res) => {
    res.json(service.getExperiment(checkId('id', req.params.id)));
  });

  r.patch('/experiments/:id', (req, res) => {
    const id = checkId('id', req.params.id);
    const update = validator.body<BudgetUpdate>(updateBodySchema, req.body);
    res.json(service.updateExperiment(id, update));
  });

  r.post('/experiments/:id/stop', async (req, res) => {
    const id = checkId('id', req.params.id);
    await service.stopExperiment(id);
    res.json(service.getExperiment(id));
  });

  r.post('/experiments/:id/resume', async (req, res) => {
    const id = checkId('id', req.params.id);
    await service.resumeExperiment(id);
    res.json(service.getExperiment(id));
  });

  r.post('/experiments/:id/view', (req, res) => {
    res.json(service.viewExperiment(checkId('id', req.params.id)));
  });

  r.delete('/experiments/:id', async (req, res) => {
    const id = checkId('id', req.params.id);
    await service.deleteExperiment(id);
    res.json({ deleted: id });
  });

  r.get('/experiments/:id/export', (req, res) => {
    const id = checkId('id', req.params.id);
    const { format = 'json' } = validator.query<{ format?: 'csv' | 'json' }>(exportQuerySchema, req.query);
    const text = service.exportExperiment(id, format);
    res.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${id}.${format}"`);
    res.send(text);
  });

  r.get('/experiments/:id/deltas', (req, res) => {
    const id = checkId('id', req.params.id);
    const { since } = validator.query<{ since: number }>(deltasQuerySchema, req.query);
    const deltas = service.deltasSince(id, since);
    res.json(deltas === null ? { reset: true, deltas: [] } : { reset: false, deltas });
  });

  r.get('/experiments/:id/metrics/latest', (req, res) => {
    res.json({ metrics: service.latestMetrics(checkId('id', req.params.id)) });
  });

  return r;
}
