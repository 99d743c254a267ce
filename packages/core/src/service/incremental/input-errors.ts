// Error re-positioning: a piece's input errors, found in the piece's own text, at their place in
// the whole text, as `analyze` of the whole text reports them.
import type { InputError } from '../../parse/input-error.js';
import { templateMessage } from '../../parse/template-markers.js';
import { SourceText } from '../../text/source-text.js';
import { shiftRange } from './placement.js';
import type { Placed } from './placement.js';

/** The input errors of all pieces, positioned in `text`. */
export function placedErrors(text: string, placed: readonly Placed[]): InputError[] {
  if (!placed.some((p) => p.piece.file.errors.length > 0)) return [];
  // Syntax errors at the end of a piece are clamped to the end of the whole text's content, as analyze does.
  const whole = new SourceText(text);
  const contentEnd = text.trimEnd().length;
  const out: InputError[] = [];
  for (const p of placed) {
    const { file } = p.piece;
    if (file.errors.length === 0) continue;
    let k = 0;
    const errs = file.errors;
    file.docs.forEach((doc) => {
      if (doc.errors.length > 0) {
        for (const err of doc.errors) {
          const e = errs[k++];
          if (!e) continue;
          const start = Math.min(p.offset + err.pos[0], contentEnd);
          const range = whole.rangeAt(start, Math.max(Math.min(p.offset + err.pos[1], text.length), start));
          out.push({ ...e, line: range.start.line + 1, range });
        }
      } else if (errs[k]?.code === 'conversion' && doc.range && errs[k]?.line === file.source.positionAt(doc.range[0]).line + 1) {
        out.push(shifted(errs[k++] as InputError, p));
      }
    });
    // Anything not matched above (none today) keeps its position, shifted.
    for (; k < errs.length; k++) out.push(shifted(errs[k] as InputError, p));
  }
  return out;
}

/** The template error of a piece, positioned in the whole text. */
export function placedTemplateError(p: Placed, fileName: string): InputError {
  const e = p.piece.file.errors.find((x) => x.code === 'template') as InputError;
  const range = e.range ? shiftRange(e.range, p.offset, p.line) : undefined;
  const line = range ? range.start.line : e.line - 1 + p.line;
  const marker = range ? p.piece.file.source.text.slice(range.start.offset - p.offset, range.end.offset - p.offset) : '{{';
  return { fileName, line: line + 1, code: 'template', message: templateMessage({ offset: range?.start.offset ?? 0, line, marker }), ...(range ? { range } : {}) };
}

function shifted(e: InputError, p: Placed): InputError {
  return { ...e, line: e.line + p.line, ...(e.range ? { range: shiftRange(e.range, p.offset, p.line) } : {}) };
}
