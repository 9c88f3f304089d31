const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a budget duration ("30m", "2h", "1.5d"); undefined when it does not parse. */
export function parseDurationText(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : undefined;
}
