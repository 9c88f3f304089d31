import type { ErrorRequestHandler, RequestHandler } from 'express';
import { NasctlError, NotFoundError } from '../errors';

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; path?: string };
}

/** Shape of the errors thrown by express' body parser (http-errors). */
interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string'
    && typeof (err as { status?: unknown }).status === 'number';
}

/**
 * Maps any thrown value to a status and body. NasctlError subclasses keep their status, code and
 * path; body-parser failures (malformed JSON, too large) become 400/413; anything else is a 500
 * with a generic message (the caller logs the original). Pure; never throws.
 */
export function renderError(err: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (err instanceof NasctlError) {
    const path = (err as NasctlError & { path?: unknown }).path;
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (typeof path === 'string' && path !== '') body.error.path = path;
    return { status: err.status, body, unexpected: false };
  }
  if (isBodyParserError(err)) {
    if (err.type === 'entity.parse.failed') {
      return { status: 400, body: { error: { code: 'BAD_REQUEST', message: `body: malformed JSON (${err.message}); send a valid JSON document`, path: 'body' } }, unexpected: false };
    }
    if (err.type === 'entity.too.large') {
      return { status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'body: too large; the limit is 10 MB' } }, unexpected: false };
    }
    if (err.status >= 400 && err.status < 500) {
      return { status: err.status, body: { error: { code: 'BAD_REQUEST', message: `body: ${err.message}` } }, unexpected: false };
    }
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'internal error in the nasctl daemon; see daemon.log in the nasctl home for details' } },
    unexpected: true,
  };
}

/**
 * Express error middleware (registered last). Renders every error as `{error: {code, message,
 * path?}}`; unexpected ones are passed to `log` with their stack.
 */
export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const { status, body, unexpected } = renderError(err);
    if (unexpected) {
      log(`error: ${req.method} ${req.originalUrl}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
    res.status(status).json(body);
  };
}

/** Final handler for unknown /api routes: a 404 naming the method and path. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(new NotFoundError(`no API route ${req.method} ${req.originalUrl.split('?')[0]}; see docs/rest-api.md for the routes`));
  };
}
