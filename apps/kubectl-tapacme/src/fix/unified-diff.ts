import { isAbsolute } from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { Style } from '../output/style.js';

/** A git-style unified diff (a/ and b/ prefixes, so `git apply` and `patch -p1` take it), coloured when asked. */
export function unifiedDiff(fileName: string, before: string, after: string, style: Style): string {
  const name = fileName.replace(/\\/g, '/');
  const [a, b] = isAbsolute(fileName) ? [name, name] : [`a/${name}`, `b/${name}`];
  const patch = createTwoFilesPatch(a, b, before, after, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
  return patch
    .split('\n')
    .map((line) => {
      if (line.startsWith('---') || line.startsWith('+++')) return style.bold(line);
      if (line.startsWith('@@')) return style.cyan(line);
      if (line.startsWith('+')) return style.green(line);
      if (line.startsWith('-')) return style.red(line);
      return line;
    })
    .join('\n');
}
