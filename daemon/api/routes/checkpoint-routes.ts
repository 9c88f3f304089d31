import { Router } from 'express';
import type { CheckpointCatalog } from '../../watch/checkpoint-watchers';
import { checkId } from '../route-params';

/**
 * Routes of supernet checkpoints (mounted at /api/v1): GET /experiments/:id/checkpoints (the
 * checkpoint folders, sorted by epoch; corrupt ones listed with `error`) and
 * GET /experiments/:id/board (the Cream board; 404 with the reason when there is none).
 * Called once by createApiApp with the daemon's checkpoint watchers.
 */
export function checkpointRoutes(catalog: CheckpointCatalog): Router {
  const r = Router();
  r.get('/experiments/:id/checkpoints', (req, res) => {
    res.json(catalog.checkpoints(checkId('id', req.params.id)));
  });
  r.get('/experiments/:id/board', (req, res) => {
    res.json(catalog.board(checkId('id', req.params.id)));
  });
  return r;
}
