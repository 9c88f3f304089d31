import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented token with the daemon's token in constant time (both are hashed first, so
 * neither the content nor the length leaks through timing). Called by the REST auth middleware
 * and the socket.io handshake check. Returns false for a missing token; never throws.
 */
export function tokenMatches(expected: string, presented: string | undefined | null): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/**
 * Extracts the token of an `Authorization: Bearer <token>` header. Returns undefined when the
 * header is absent or uses another scheme.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}
