import { styleText } from 'node:util';

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

// The escape codes are Node's (util.styleText); whether to use them is decided above, with the rules the
// README promises, which differ from styleText's own check (see the README, "Colour").
const paint =
  (format: 'red' | 'yellow' | 'green' | 'cyan' | 'bold' | 'dim') =>
  (s: string): string =>
    styleText(format, s, { validateStream: false });

const ansi: Style = { red: paint('red'), yellow: paint('yellow'), green: paint('green'), cyan: paint('cyan'), bold: paint('bold'), dim: paint('dim') };
const identity = (s: string): string => s;
const plain: Style = { red: identity, yellow: identity, green: identity, cyan: identity, bold: identity, dim: identity };

export function styleFor(enabled: boolean): Style {
  return enabled ? ansi : plain;
}
