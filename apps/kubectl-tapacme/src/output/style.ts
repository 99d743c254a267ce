/**
 * Whether to colour a stream. Node's rules: FORCE_COLOR (anything but "0"/"false") forces colour on,
 * NO_COLOR (any non-empty value) turns it off, otherwise only a TTY whose TERM is not "dumb" gets colour.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) {
    if (force === '0' || force.toLowerCase() === 'false') return false;
    return true;
  }
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;

const ansi: Style = { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), cyan: wrap(36, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
const identity = (s: string): string => s;
const plain: Style = { red: identity, yellow: identity, green: identity, cyan: identity, bold: identity, dim: identity };

export function styleFor(enabled: boolean): Style {
  return enabled ? ansi : plain;
}
