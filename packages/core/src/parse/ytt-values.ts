import { isScalar, visit, Scalar } from 'yaml';
import type { Document, Node } from 'yaml';

/**
 * `key: #@ data.values.x` (and `- #@ ...`) is null to a YAML reader but set once ytt renders it: give such keys a
 * placeholder value so rules do not report them as missing. The placeholder has no source range.
 */
export function fillYttValues(doc: Document.Parsed, text: string): void {
  visit(doc, {
    Pair(_k, pair) {
      const value = pair.value as Node | null;
      const keyEnd = isScalar(pair.key) ? pair.key.range?.[1] : undefined;
      if (keyEnd === undefined || (value !== null && !(isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1]))) return;
      const lineEnd = text.indexOf('\n', keyEnd);
      const rest = text.slice(keyEnd, lineEnd === -1 ? text.length : lineEnd);
      const m = /^\s*:\s*#@\s*(.*?)\s*$/.exec(rest);
      if (m) pair.value = new Scalar(`#@ ${m[1] ?? ''}`);
    },
    // `- #@ data.values.x` likewise.
    Seq(_k, seq) {
      seq.items.forEach((item, i) => {
        const node = item as Node | null;
        if (!isScalar(node) || node.value !== null || !node.range || node.range[0] !== node.range[1]) return;
        const lineStart = text.lastIndexOf('\n', node.range[0] - 1) + 1;
        const lineEnd = text.indexOf('\n', node.range[0]);
        const m = /^\s*-\s*#@\s*(.*?)\s*$/.exec(text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd));
        if (m) seq.items[i] = new Scalar(`#@ ${m[1] ?? ''}`);
      });
    },
  });
}
