import type { ParsedFile } from '@tapacme/core';

/**
 * 0-based lines of a file that hold Secret values (`data` and `stringData` of `kind: Secret`
 * documents). A diff's context can reach into a neighbouring Secret; these lines are redacted there.
 */
export function secretValueLines(file: ParsedFile): Set<number> {
  const lines = new Set<number>();
  for (const doc of file.docs) {
    if (doc.errors.length > 0 || doc.get('kind') !== 'Secret') continue;
    for (const key of ['data', 'stringData']) {
      const range = (doc.get(key, true) as { range?: [number, number, number] } | undefined)?.range;
      if (!range) continue;
      const first = file.source.positionAt(range[0]).line;
      const last = file.source.positionAt(Math.max(range[0], range[1] - 1)).line;
      for (let l = first; l <= last; l++) lines.add(l);
    }
  }
  return lines;
}
