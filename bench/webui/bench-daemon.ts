import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { ExperimentManager } from '../../daemon/manager/experiment-manager';
import { createApiApp } from '../../daemon/api/create-api-app';
import { attachLiveEvents, type LiveEvents } from '../../daemon/live/attach-live-events';
import { builtinTuners } from '../../tuners/registry';
import { SimTrainingService, type SimOptions } from './sim-training-service';

/** A daemon composed like startDaemon's, but whose experiments run on SimTrainingService. */
export interface BenchDaemon {
  port: number;
  manager: ExperimentManager;
  /** The training service of each experiment run so far, by experiment name order of creation. */
  services: SimTrainingService[];
  close(): Promise<void>;
}

/**
 * Starts the daemon's real parts (ExperimentManager, REST API, live events, the built web UI from
 * dist/webui) on 127.0.0.1 with an ephemeral port, with simulated trials instead of processes.
 * Called by the web UI bench. Throws what listen throws.
 */
export async function startBenchDaemon(home: string, sim: SimOptions): Promise<BenchDaemon> {
  const services: SimTrainingService[] = [];
  const manager = new ExperimentManager({
    home,
    tuners: builtinTuners(),
    createTrainingService: () => {
      const s = new SimTrainingService(sim);
      services.push(s);
      return s;
    },
    log: () => undefined,
  });
  const app = createApiApp(manager, { staticDir: join(__dirname, '..', '..', 'webui') });
  const server: Server = createServer(app);
  const live: LiveEvents = attachLiveEvents(server, manager);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    manager,
    services,
    close: async () => {
      await manager.shutdown();
      await live.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
