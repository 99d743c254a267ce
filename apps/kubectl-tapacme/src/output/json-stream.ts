// JSON.stringify(value, null, 2) written in pieces: a scan of 10,000 namespaces is a 27 MB document,
// and as one string (and its UTF-8 copy on the way to stdout) it set the command's peak memory. The
// outer levels are walked here and each inner value is stringified alone, so the text is the same
// byte for byte and only a few pieces are held at a time.

/** Below this depth arrays and objects are walked; from it on, values are stringified whole. */
const WALK_DEPTH = 4;
/** Pieces are gathered up to about this many characters before each write. */
const FLUSH_AT = 64 * 1024;

/** Values JSON.stringify leaves out of objects and writes as null in arrays. */
const skipped = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

const walkable = (v: unknown): v is Record<string, unknown> | unknown[] =>
  typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON !== 'function';

/** `value` as JSON.stringify(value, null, 2) followed by a newline, in pieces of about 64 KB. */
export function* jsonPieces(value: unknown): Generator<string> {
  let buffer = '';
  const pieces: string[] = [];
  const out = (text: string): void => {
    buffer += text;
    if (buffer.length >= FLUSH_AT) {
      pieces.push(buffer);
      buffer = '';
    }
  };
  const emit = (v: unknown, indent: string, depth: number): void => {
    if (depth >= WALK_DEPTH || !walkable(v)) {
      const text = JSON.stringify(v, null, 2) as string | undefined;
      out(text === undefined ? 'null' : text.replaceAll('\n', `\n${indent}`));
      return;
    }
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return out('[]');
      out('[');
      v.forEach((item, i) => {
        out(`${i === 0 ? '' : ','}\n${inner}`);
        emit(skipped(item) ? null : item, inner, depth + 1);
      });
      out(`\n${indent}]`);
      return;
    }
    const keys = Object.keys(v).filter((k) => !skipped(v[k]));
    if (keys.length === 0) return out('{}');
    out('{');
    keys.forEach((k, i) => {
      out(`${i === 0 ? '' : ','}\n${inner}${JSON.stringify(k)}: `);
      emit(v[k], inner, depth + 1);
    });
    out(`\n${indent}}`);
  };
  if (skipped(value)) throw new TypeError('nothing to write: the value has no JSON form');
  // The walk is eager but hands its pieces over as it goes: at most one top-level value's pieces wait here.
  const top = walkable(value) && !Array.isArray(value) ? Object.keys(value) : undefined;
  if (!top) {
    emit(value, '', 0);
  } else {
    const obj = value as Record<string, unknown>;
    const keys = top.filter((k) => !skipped(obj[k]));
    if (keys.length === 0) out('{}');
    else {
      out('{');
      for (const [i, k] of keys.entries()) {
        out(`${i === 0 ? '' : ','}\n  ${JSON.stringify(k)}: `);
        const inner = obj[k];
        if (Array.isArray(inner) && inner.length > 0) {
          // The large arrays (issuers, findings): one element at a time.
          out('[');
          for (const [j, item] of inner.entries()) {
            out(`${j === 0 ? '' : ','}\n    `);
            emit(skipped(item) ? null : item, '    ', 2);
            yield* pieces.splice(0);
          }
          out('\n  ]');
        } else emit(inner, '  ', 1);
        yield* pieces.splice(0);
      }
      out('\n}');
    }
  }
  out('\n');
  yield* pieces.splice(0);
  if (buffer) yield buffer;
}

/** Write `value` as JSON.stringify(value, null, 2) and a newline through `write`, in pieces. */
export function writeJson(value: unknown, write: (text: string) => void): void {
  for (const piece of jsonPieces(value)) write(piece);
}

/**
 * The same, waiting whenever the stream's buffer is full: stdout to a pipe is asynchronous in Node,
 * so pieces written without waiting would all queue in memory, as the whole string did.
 */
export async function writeJsonDrained(value: unknown, write: (text: string) => void, drained: () => Promise<void>): Promise<void> {
  for (const piece of jsonPieces(value)) {
    write(piece);
    await drained();
  }
}
