import BetterSqlite3 from 'better-sqlite3';
import { NasctlError, StoreError } from '../errors';

/** What an error message needs to name: the file, the experiment (when known), the open mode. */
export interface SqliteErrorContext {
  dbPath: string;
  experimentId?: string;
  readOnly: boolean;
}

/**
 * Turns a better-sqlite3 failure into a StoreError that names the file and says what to do
 * (disk full, corrupt/not a database, read-only, locked, I/O). Called by the SQLite store around
 * every operation; nasctl's own typed errors and unknown non-SQLite errors are returned unchanged.
 */
export function translateSqliteError(err: unknown, ctx: SqliteErrorContext): unknown {
  if (err instanceof NasctlError) return err;
  const id = ctx.experimentId ?? 'ID';
  const file = ctx.dbPath;
  if (err instanceof TypeError && /database connection is not open/.test(err.message)) {
    return new StoreError(`${file}: the store was closed; open the experiment again`, { cause: err });
  }
  if (!(err instanceof BetterSqlite3.SqliteError)) return err;
  const code = err.code;
  if (code === 'SQLITE_FULL') {
    return new StoreError(
      `${file}: disk full (SQLITE_FULL), the last change was not saved; free disk space, then \`nasctl resume ${id}\``,
      { cause: err },
    );
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError(
      `${file} is not a SQLite database or is corrupt (${code}: ${err.message}); ` +
      'restore the experiment folder from a backup, or delete it (`nasctl experiment delete ' + id + '`)',
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreError(
      ctx.readOnly
        ? `${file} was opened read-only (view mode) and cannot be changed; use \`nasctl resume ${id}\` to modify the experiment`
        : `${file} cannot be written (${code}); check the file and folder permissions and that the disk is not mounted read-only`,
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(
      `${file} is locked by another process (${code}); make sure only one nasctl daemon manages experiment ${id}`,
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new StoreError(`${file} cannot be opened (${code}); check that its folder exists and is readable`, { cause: err });
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new StoreError(`${file}: disk I/O error (${code}: ${err.message}); check the disk, then \`nasctl resume ${id}\``, { cause: err });
  }
  return new StoreError(`${file}: database error ${code}: ${err.message}`, { cause: err });
}
