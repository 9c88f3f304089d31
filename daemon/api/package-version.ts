import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The `version` field of nasctl's package.json, read when called (from dist/daemon/api/ the
 * file is three folders up). Returns "0.0.0" when it cannot be read; never throws.
 */
export function packageVersion(): string {
  for (const candidate of [join(__dirname, '..', '..', '..', 'package.json'), join(__dirname, '..', '..', 'package.json')]) {
    try {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
      if (parsed.name === 'nasctl' && typeof parsed.version === 'string') return parsed.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}
