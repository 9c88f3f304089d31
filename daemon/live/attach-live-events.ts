import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { ExperimentService } from '../service/experiment-service';
import type { LiveDelta } from '../service/live-delta';
import { NasctlError, UnauthorizedError } from '../errors';
import { RequestValidator } from '../api/request-validator';
import { tokenMatches } from '../api/token-auth';
import subscribeSchema from '../api/schemas/subscribe-payload.json';
import { DEFAULT_BATCH_MS, DeltaBatcher } from './delta-batcher';
import { DEFAULT_SUMMARY_MS, SummaryNotifier } from './summary-notifier';

/** Options of the live events, decided by the daemon's composition root (same token rule as REST). */
export interface LiveEventsOptions {
  token?: string;
  requireToken?: boolean;
  /** Receives one line per unexpected error. Default: ignore. */
  log?: (line: string) => void;
  /** Interval of batched delivery (`subscribe` with `batch: true`), ms. Default DEFAULT_BATCH_MS (50). */
  batchMs?: number;
  /** Interval of `experiment-summaries` events to list clients, ms. Default DEFAULT_SUMMARY_MS (1000). */
  summaryMs?: number;
}

/** Payload of the client's `subscribe` event. */
export interface SubscribePayload {
  experimentId: string;
  /** Last seq the client has; missed deltas after it are sent first (or a `reset`). */
  sinceSeq?: number;
  /**
   * true: receive `deltas` events (arrays, coalesced, at most one per batch interval) instead of
   * one `delta` event per change. Catch-up also comes as one `deltas` array.
   */
  batch?: boolean;
}

/** Answer passed to the client's acknowledgement callback of `subscribe` / `unsubscribe` / `subscribe-list`. */
export type SubscribeAck = { ok: true; caughtUp: number } | { ok: false; error: { code: string; message: string } };

/** Payload of the server's `reset` event: the client must reload the experiment through REST. */
export interface ResetPayload {
  experimentId: string;
  reason: string;
}

/** Handle returned by attachLiveEvents. */
export interface LiveEvents {
  io: Server;
  /**
   * Stops forwarding deltas and disconnects every client; leaves the http server open (its owner
   * closes it). Resolves once done; never rejects.
   */
  close(): Promise<void>;
}

/** Room of one experiment's deltas. */
export function experimentRoom(id: string): string {
  return `experiment:${id}`;
}

/** Room of one experiment's batched deltas (event `deltas`). */
export function experimentBatchRoom(id: string): string {
  return `experiment-batch:${id}`;
}

/** Room of experiment-list changes (every `type: 'experiment'` delta, as event `experiment-delta`). */
export const LIST_ROOM = 'experiments';

/** The client's acknowledgement callback, or a no-op when it sent none. */
function acker(ack: unknown): (a: SubscribeAck) => void {
  return typeof ack === 'function' ? (ack as (a: SubscribeAck) => void) : () => undefined;
}

/**
 * Attaches a socket.io server (path /socket.io) to `httpServer` and forwards `service`'s deltas:
 * clients `subscribe` {experimentId, sinceSeq?} to join room `experiment:<id>` (missed deltas
 * first, or `reset`), then get `delta` events; `subscribe-list` joins the list room, which gets
 * `experiment-delta` events. Called once by the daemon's composition root before it listens.
 * Throws Error when `requireToken` is set without a token.
 */
export function attachLiveEvents(httpServer: HttpServer, service: ExperimentService, opts: LiveEventsOptions = {}): LiveEvents {
  if (opts.requireToken && !opts.token) throw new Error('attachLiveEvents: requireToken is set but no token was given');
  const log = opts.log ?? (() => undefined);
  const validator = new RequestValidator();
  const io = new Server(httpServer, { serveClient: false });

  if (opts.requireToken && opts.token) {
    const token = opts.token;
    io.use((socket, next) => {
      const presented = (socket.handshake.auth as { token?: unknown }).token;
      if (tokenMatches(token, typeof presented === 'string' ? presented : undefined)) next();
      else next(new UnauthorizedError('this daemon requires its token: connect with auth {token} (the token is in daemon.json)'));
    });
  }

  const batcher = new DeltaBatcher((id, deltas) => io.to(experimentBatchRoom(id)).emit('deltas', deltas), opts.batchMs ?? DEFAULT_BATCH_MS);
  const hasMembers = (room: string) => (io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0;
  const summaries = new SummaryNotifier(service, (list) => io.to(LIST_ROOM).emit('experiment-summaries', list),
    (e) => log(`live: experiment summaries failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`), opts.summaryMs ?? DEFAULT_SUMMARY_MS);
  const unsubscribe = service.subscribe((delta: LiveDelta) => {
    const room = experimentRoom(delta.experimentId);
    if (hasMembers(room)) io.to(room).emit('delta', delta);
    if (hasMembers(experimentBatchRoom(delta.experimentId))) batcher.push(delta);
    if (hasMembers(LIST_ROOM)) {
      if (delta.type === 'experiment') io.to(LIST_ROOM).emit('experiment-delta', delta);
      summaries.push(delta);
    }
  });

  io.on('connection', (socket: Socket) => {
    socket.on('subscribe', (payload: unknown, ack?: unknown) => {
      const reply = acker(ack);
      try {
        const { experimentId, sinceSeq, batch } = validator.body<SubscribePayload>(subscribeSchema, payload, 'payload');
        let caughtUp = 0;
        // Catch-up and join happen in one synchronous step, so no live delta slips between them.
        if (sinceSeq !== undefined) {
          const missed = service.deltasSince(experimentId, sinceSeq);
          if (missed === null) {
            const reset: ResetPayload = { experimentId, reason: `deltas after seq ${sinceSeq} are no longer kept; reload the experiment` };
            socket.emit('reset', reset);
          } else {
            if (batch) {
              if (missed.length > 0) socket.emit('deltas', missed);
            } else {
              for (const d of missed) socket.emit('delta', d);
            }
            caughtUp = missed.length;
          }
        } else {
          service.getExperiment(experimentId); // NotFoundError for unknown ids
        }
        void socket.join(batch ? experimentBatchRoom(experimentId) : experimentRoom(experimentId));
        reply({ ok: true, caughtUp });
      } catch (err) {
        if (!(err instanceof NasctlError)) log(`live: subscribe failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        const e = err instanceof NasctlError ? err : new NasctlError('INTERNAL', 500, 'internal error; see daemon.log');
        reply({ ok: false, error: { code: e.code, message: e.message } });
      }
    });
    socket.on('unsubscribe', (payload: unknown, ack?: unknown) => {
      const id = (payload as { experimentId?: unknown } | null)?.experimentId;
      if (typeof id === 'string') {
        void socket.leave(experimentRoom(id));
        void socket.leave(experimentBatchRoom(id));
      }
      acker(ack)({ ok: true, caughtUp: 0 });
    });
    socket.on('subscribe-list', (...args: unknown[]) => {
      void socket.join(LIST_ROOM);
      acker(args[args.length - 1])({ ok: true, caughtUp: 0 });
    });
  });

  return {
    io,
    close: async () => {
      unsubscribe();
      batcher.close();
      summaries.close();
      io.disconnectSockets(true);
      io.engine.close();
    },
  };
}
