/**
 * How deep a YAML text may nest before it is refused. `yaml`, converting to values and the rules all
 * recurse. Unoptimised (interpreted) frames are larger than optimised ones, so where `yaml` overflows
 * depends on the JIT's state and the caller's stack: flow collections overflowed at about 790 levels
 * with `--jitless`, and at 500 with that and a smaller stack. 256 keeps a wide margin; no manifest
 * comes near it (Kubernetes' own JSON decoder stops at 10,000, after its stack-safe parser).
 */
export const MAX_NESTING_DEPTH = 256;

const SPACE = 0x20;
const HASH = 0x23;

/**
 * The offset in [from, to) where nesting first goes deeper than MAX_NESTING_DEPTH, or -1. A cheap
 * over-estimate of `yaml`'s depth, made without parsing: block levels by indentation and by `- `, `? `
 * and `key: ` starting a nested node on one line, flow levels by brackets outside quotes and comments.
 */
export function excessNesting(text: string, from = 0, to = text.length): number {
  const indents: number[] = [];
  let flow = 0;
  let quote = 0; // the open quote of a scalar that runs over lines
  let ls = from;
  while (ls < to) {
    let nl = text.indexOf('\n', ls);
    if (nl === -1 || nl > to) nl = to;
    let i = ls;
    if (quote === 0 && flow === 0) {
      while (i < nl && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === 0x09)) i++;
      const c = text.charCodeAt(i);
      if (i < nl && c !== HASH && c !== 0x0d) {
        const indent = i - ls;
        while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
        indents.push(indent);
      }
    }
    let inline = 0;
    let valueStart = true; // where a quote or a bracket would open a node
    for (; i < nl; i++) {
      const c = text.charCodeAt(i);
      if (quote !== 0) {
        if (c === 0x5c /* \ */ && quote === 0x22) i++;
        else if (c === quote) {
          quote = 0;
          valueStart = false;
        }
        continue;
      }
      if (c === SPACE || c === 0x09) {
        valueStart = true;
        continue;
      }
      if (c === HASH && valueStart) break;
      if ((c === 0x22 || c === 0x27) && valueStart) quote = c;
      else if ((c === 0x5b || c === 0x7b) && (valueStart || flow > 0)) flow++;
      else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
      else if ((c === 0x2d || c === 0x3f || c === 0x3a) && flow === 0 && valueStart && isBreak(text.charCodeAt(i + 1))) inline++;
      valueStart = c === 0x2c || c === 0x5b || c === 0x7b || c === 0x3a;
      if (indents.length + inline + flow > MAX_NESTING_DEPTH) return i;
    }
    if (indents.length + inline > MAX_NESTING_DEPTH) return ls;
    ls = nl + 1;
  }
  return -1;
}

function isBreak(c: number): boolean {
  return c === SPACE || c === 0x0a || c === 0x0d || c === 0x09 || Number.isNaN(c);
}
