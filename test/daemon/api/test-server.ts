import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApiApp, type ApiAppOptions } from '../../../daemon/api/create-api-app';
import { attachLiveEvents, type LiveEvents } from '../../../daemon/live/attach-live-events';
import { FakeExperimentService } from './fake-experiment-service';

/** A fake-backed daemon listening on 127.0.0.1 (random port), for API, live and CLI tests. */
export interface TestServer {
  service: FakeExperimentService;
  server: Server;
  live: LiveEvents;
  host: string;
  port: number;
  url: string;
  /** Temp folder holding experiments (removed by close). */
  root: string;
  logLines: string[];
  close(): Promise<void>;
}

/** Starts the app + live events on port 0; `close` stops both and removes the temp folder. */
export async function startTestServer(opts: ApiAppOptions = {}): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'nasctl-api-'));
  const service = new FakeExperimentService(root);
  const logLines: string[] = [];
  const log = (l: string): void => { logLines.push(l); };
  const app = createApiApp(service, { log, ...opts });
  const server = createServer(app);
  const live = attachLiveEvents(server, service, { token: opts.token, requireToken: opts.requireToken, log });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    service, server, live, host: '127.0.0.1', port, url: `http://127.0.0.1:${port}`, root, logLines,
    close: async () => {
      await live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
