import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import type { ExperimentService } from '../service/experiment-service';
import { UnauthorizedError } from '../errors';
import { RequestValidator } from './request-validator';
import { errorHandler, notFoundHandler } from './error-handler';
import { bearerToken, tokenMatches } from './token-auth';
import { experimentRoutes } from './routes/experiment-routes';
import { trialRoutes } from './routes/trial-routes';
import { paretoRoutes } from './routes/pareto-routes';
import { tunerBoardRoutes } from './routes/tuner-board-routes';
import { placeholderPage } from './placeholder-page';
import { checkpointRoutes } from './routes/checkpoint-routes';
import { rankEvalRoutes } from './routes/rank-eval-routes';
import type { CheckpointCatalog } from '../watch/checkpoint-watchers';
import { packageVersion } from './package-version';

/** Options of the REST app, decided by the daemon's composition root. */
export interface ApiAppOptions {
  /** The daemon's secret token (written to daemon.json). Required when `requireToken`. */
  token?: string;
  /** true when the daemon listens on a non-loopback host: every request needs the token. */
  requireToken?: boolean;
  /** Folder of the built web UI; served at `/` when it holds index.html, else a placeholder page. */
  staticDir?: string;
  /** Where relative paths of a created experiment resolve when the body has no baseDir (default: process.cwd()). */
  defaultBaseDir?: string;
  /** Reported by /health (default: package.json's version). */
  version?: string;
  /** Receives one line per unexpected (500) error, with its stack. Default: ignore. */
  log?: (line: string) => void;
  /** Checkpoints and Cream boards of supernet experiments (the daemon's watchers); without it those routes are absent. */
  checkpoints?: CheckpointCatalog;
}

/** Prefix of every REST route. */
export const API_PREFIX = '/api/v1';

/**
 * Token check for every request when `requireToken`: `Authorization: Bearer <token>`, or for
 * pages outside /api (a browser opening the UI) a `?token=` query parameter.
 */
function authMiddleware(token: string): RequestHandler {
  return (req, _res, next) => {
    const header = bearerToken(req.get('authorization'));
    const query = !req.path.startsWith('/api/') && typeof req.query.token === 'string' ? req.query.token : undefined;
    if (tokenMatches(token, header ?? query)) {
      next();
      return;
    }
    next(new UnauthorizedError('this daemon requires its token: send "Authorization: Bearer <token>" (the token is in daemon.json in the nasctl home)'));
  };
}

/**
 * Builds the express app of the REST API (routes under /api/v1, see docs/rest-api.md) around
 * `service`. Called once by the daemon's composition root, which listens with it. Starts
 * nothing. Throws Error when `requireToken` is set without a token.
 */
export function createApiApp(service: ExperimentService, opts: ApiAppOptions = {}): Express {
  if (opts.requireToken && !opts.token) {
    throw new Error('createApiApp: requireToken is set but no token was given');
  }
  const version = opts.version ?? packageVersion();
  const log = opts.log ?? (() => undefined);
  const validator = new RequestValidator();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (opts.requireToken && opts.token) app.use(authMiddleware(opts.token));

  const api = express.Router();
  api.use(express.json({ limit: '10mb', strict: false }));
  api.get('/health', (_req, res) => {
    res.json({ ok: true, version, pid: process.pid });
  });
  api.use(experimentRoutes(service, validator, opts.defaultBaseDir ?? process.cwd()));
  api.use(trialRoutes(service, validator));
  api.use(paretoRoutes(service, validator));
  api.use(tunerBoardRoutes(service));
  if (opts.checkpoints) api.use(checkpointRoutes(opts.checkpoints));
  api.use(rankEvalRoutes(validator));
  api.use(notFoundHandler());
  app.use(API_PREFIX, api);

  const staticDir = opts.staticDir;
  if (staticDir !== undefined && existsSync(join(staticDir, 'index.html'))) {
    app.use(express.static(staticDir, { index: 'index.html' }));
    // Client-side routes (/experiments/ID/trials, ...) are deep links: answer them with the app.
    app.use((req, res, next) => {
      if (req.method !== 'GET' || req.path.startsWith('/socket.io') || req.path.includes('.')) {
        next();
        return;
      }
      res.sendFile('index.html', { root: staticDir });
    });
  } else {
    app.get('/', (_req, res) => {
      res.type('html').send(placeholderPage(version));
    });
  }
  app.use(errorHandler(log));
  return app;
}
