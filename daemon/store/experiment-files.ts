import * as fs from 'node:fs';
import * as path from 'node:path';
import { BadRequestError } from '../errors';

/** File name of an experiment's database inside its folder. */
export const EXPERIMENT_DB_FILE = 'experiment.db';

/** Experiment and trial ids: letters, digits, '_' and '-' (they become folder names). */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** An experiment folder found on disk. */
export interface ExperimentLocation {
  id: string;
  /** Absolute folder holding experiment.db and trials/. */
  dir: string;
}

/** Something under `<home>/experiments/` that scanExperiments could not use, and why. */
export interface ScanProblem {
  path: string;
  message: string;
}

/** What scanExperiments found: usable experiment folders, and entries it had to skip. */
export interface ExperimentScan {
  /** Sorted by id. */
  experiments: ExperimentLocation[];
  problems: ScanProblem[];
}

/**
 * `<home>/experiments/<id>`, absolute. Called wherever the daemon needs an experiment's folder.
 * Throws BadRequestError when `id` is not a plain id (it would escape the experiments folder).
 */
export function experimentDir(home: string, id: string): string {
  checkId('id', id, 'experiment');
  return path.resolve(home, 'experiments', id);
}

/** `<dir>/experiment.db`: the experiment's SQLite database (see openSqliteStore). */
export function experimentDbPath(expDir: string): string {
  return path.join(expDir, EXPERIMENT_DB_FILE);
}

/**
 * `<expDir>/trials/<trialId>`: the trial's stdout/stderr/parameters folder. Keeping it inside the
 * experiment folder lets the store save it relative, so a copied folder keeps working.
 * Throws BadRequestError when `trialId` is not a plain id.
 */
export function trialDir(expDir: string, trialId: string): string {
  checkId('trialId', trialId, 'trial');
  return path.join(expDir, 'trials', trialId);
}

/**
 * Every folder `<home>/experiments/<id>` holding an experiment.db, sorted by id (so a folder
 * copied from another machine shows up). Called by `experiment list`, the REST experiment list
 * and daemon start-up. Never throws: an unreadable folder or database, a broken link, or a
 * folder whose name is not a valid id is skipped and listed in `problems` with what to do.
 * A missing experiments folder means no experiments. Folders without experiment.db are ignored.
 */
export function scanExperiments(home: string): ExperimentScan {
  const problems: ScanProblem[] = [];
  const root = path.resolve(home, 'experiments');
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch (err) {
    if (errCode(err) !== 'ENOENT') {
      problems.push({ path: root, message: `cannot read the experiments folder (${describe(err)}); check its permissions` });
    }
    return { experiments: [], problems };
  }
  const found: ExperimentLocation[] = [];
  for (const name of names.sort()) {
    const dir = path.join(root, name);
    let isDir: boolean;
    try {
      isDir = fs.statSync(dir).isDirectory();
    } catch (err) {
      problems.push({ path: dir, message: `cannot read this entry (${describe(err)}); fix or remove it` });
      continue;
    }
    if (!isDir) continue;
    const db = experimentDbPath(dir);
    try {
      if (!fs.statSync(db).isFile()) {
        problems.push({ path: db, message: 'is not a regular file; remove it or restore the experiment folder' });
        continue;
      }
    } catch (err) {
      if (errCode(err) !== 'ENOENT') {
        problems.push({ path: db, message: `cannot read the database (${describe(err)}); check its permissions` });
      }
      continue;
    }
    if (!ID_PATTERN.test(name)) {
      problems.push({ path: dir, message: 'folder name is not a valid experiment id (letters, digits, _ and -); rename the folder' });
      continue;
    }
    found.push({ id: name, dir });
  }
  return { experiments: found, problems };
}

function checkId(field: string, id: string, what: string): void {
  if (!ID_PATTERN.test(id)) {
    throw new BadRequestError(field, `"${id}" is not a valid ${what} id; use 1-128 letters, digits, '_' or '-'`);
  }
}

function errCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function describe(err: unknown): string {
  return errCode(err) ?? (err instanceof Error ? err.message : String(err));
}
