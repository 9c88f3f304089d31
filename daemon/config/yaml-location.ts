import { isNode, type Document, type LineCounter } from 'yaml';

/**
 * Finds where the field at a JSON pointer was written in a YAML document, for "file:line:col" in
 * error messages. When the field itself is absent (a missing key), the nearest existing ancestor
 * is used. Called by loadConfigFile when validation fails. Pure.
 *
 * @returns 1-based line and column, or undefined when nothing along the path has a position.
 */
export function locateInYaml(doc: Document, lines: LineCounter, pointer: string): { line: number; col: number } | undefined {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (let n = segments.length; n >= 0; n -= 1) {
    const keys = segments.slice(0, n).map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
    const node: unknown = n === 0 ? doc.contents : doc.getIn(keys, true);
    if (isNode(node) && node.range) {
      return lines.linePos(node.range[0]);
    }
  }
  return undefined;
}
