import { existsSync, mkdtempSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDaemon, type DaemonHandle } from '../../daemon/server/start-daemon';
import type { LiveDelta } from '../../daemon/service/live-delta';
import type { ExperimentService } from '../../daemon/service/experiment-service';

/** Where the browser tests expect Debian's chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for headless chromium in a sandbox-less container without network. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/** Root of the repository (tests run from dist/test/webui). */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** Folder for screenshots (gitignored). */
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

/**
 * Launches headless chromium with a fresh temp profile. Throws (never skips) when chromium or the
 * built UI is missing, naming the command that fixes it. `close()` removes the profile.
 */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`browser tests need Debian's chromium at ${CHROMIUM_PATH}; install it with: apt-get update && apt-get install -y chromium`);
  }
  if (!existsSync(join(REPO_ROOT, 'dist', 'webui', 'index.html'))) {
    throw new Error('the web UI is not built (dist/webui/index.html missing); run: npx vite build --config webui/vite.config.ts');
  }
  const profile = mkdtempSync(join(tmpdir(), 'nasctl-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1440, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A real daemon on a free port over a temp NASCTL_HOME; `close()` stops it and removes the home. */
export async function startTestDaemon(): Promise<{ daemon: DaemonHandle; home: string; base: string; close(): Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'nasctl-webui-home-'));
  const daemon = await startDaemon({ home, port: 0, log: () => undefined, resumeInterrupted: false });
  return {
    daemon,
    home,
    base: `http://127.0.0.1:${daemon.port}`,
    close: async () => {
      await daemon.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** POST /api/v1/experiments; returns the id. Throws with the daemon's message on error. */
export async function createExperiment(base: string, config: Record<string, unknown>, baseDir: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/experiments`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ config, baseDir }),
  });
  const body = (await res.json()) as { id?: string; error?: { message: string } };
  if (res.status !== 201 || !body.id) throw new Error(`create experiment failed (${res.status}): ${body.error?.message}`);
  return body.id;
}

/**
 * Resolves when `check()` holds, re-checking on every live delta of the service (no sleeps);
 * rejects after `timeoutMs` naming `what`.
 */
export function waitForService(service: ExperimentService, what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      unsub();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsub = service.subscribe((_d: LiveDelta) => {
      if (check()) {
        clearTimeout(timer);
        unsub();
        resolve();
      }
    });
  });
}

/** Saves a full-page screenshot to test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A temp trial code folder holding `trial.sh`; `close()` removes it. */
export function trialFolder(script: string): { dir: string; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'nasctl-webui-trial-'));
  writeFileSync(join(dir, 'trial.sh'), script, { mode: 0o755 });
  return { dir, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What one browser test file runs against: a test daemon, chromium with one page, a trial folder. */
export interface BrowserWorld {
  ctx: { daemon: DaemonHandle; base: string };
  page: Page;
  folder: { dir: string };
  /** Writes the folder's `gate` file (trials waiting for it end), closes the browser and the daemon, removes the folder. */
  close(): Promise<void>;
}

/**
 * Starts a test daemon (startTestDaemon), chromium with one page (launchBrowser) and a trial
 * folder holding `script` as trial.sh (trialFolder). Called from a test file's `before`; what
 * started is closed again when a later step throws.
 */
export async function startBrowserWorld(script: string): Promise<BrowserWorld> {
  const ctx = await startTestDaemon();
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    const folder = trialFolder(script);
    const opened = browser;
    return {
      ctx, page, folder,
      close: async () => {
        writeFileSync(join(folder.dir, 'gate'), '');
        await opened.close();
        await ctx.close();
        folder.close();
      },
    };
  } catch (err) {
    await browser?.close();
    await ctx.close();
    throw err;
  }
}
