/**
 * Parses CSV text (RFC 4180: comma separated, fields optionally in double quotes with `""` as an
 * escaped quote, LF or CRLF line ends, quoted fields may span lines) into rows of cells. Blank
 * lines are skipped. Throws RangeError naming the line of an unterminated quoted field. Pure.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  let i = 0;
  const endRow = (): void => {
    row.push(cell);
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
    cell = '';
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      endRow();
      line++;
    } else if (ch !== '\r' || text[i + 1] !== '\n') {
      cell += ch;
    }
    i++;
  }
  if (quoted) throw new RangeError(`CSV: the quoted field opened on line ${quoteLine} is never closed`);
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}

/** One CSV line (no line end) from cells; quotes cells holding a comma, quote or line break. Pure. */
export function formatCsvRow(cells: ReadonlyArray<string | number>): string {
  return cells
    .map((c) => {
      const s = String(c);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}
