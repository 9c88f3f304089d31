import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from './start-daemon';

/**
 * Background daemon entry: `node dist/daemon/server/main.js --home H [--host X] [--port P]`.
 * Started by `nasctl create` / `resume` when no daemon serves the home; logs to stdout, which
 * the CLI redirects to <home>/daemon.log.
 */
async function run(): Promise<void> {
  const { values } = parseArgs({
    options: { home: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' } },
  });
  const home = values.home ?? process.env['NASCTL_HOME'] ?? join(homedir(), '.nasctl');
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new Error(`--port must be an integer 0..65535, got '${values.port}'`);
  }
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  // The daemon never dies of one bad request or trial: log unexpected errors and keep serving.
  process.on('uncaughtException', (e) => log(`unexpected error (daemon keeps running): ${e.stack ?? e.message}`));
  process.on('unhandledRejection', (e) => log(`unhandled rejection (daemon keeps running): ${e instanceof Error ? e.stack : String(e)}`));
  const daemon = await startDaemon({ home, host: values.host, port, log });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`received ${signal}; stopping experiments`);
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    daemon.close().then(
      () => process.exit(0),
      (e) => {
        log(`error while stopping: ${String(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

run().catch((e: unknown) => {
  process.stderr.write(`nasctl daemon failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
