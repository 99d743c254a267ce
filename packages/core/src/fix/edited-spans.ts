import type { DocumentSpan } from '../parse/document-spans.js';
import type { TextEdit } from '../text/text-edit.js';

/** A document some edit falls in: its text after the edits. */
export interface EditedSpan {
  index: number;
  after: string;
  /** It ends the stream after the fix (it did before, and no documents were appended). */
  lastAfter: boolean;
}

export interface EditedStream {
  edited: EditedSpan[];
  /** The text appended after the last document (added documents), or ''. */
  appended: string;
}

/**
 * Which documents of `text` the edits fall in, and what they became in `result` (`text` with `edits`
 * and then `appended` applied). Every other document is checked to stand byte for byte in `result`,
 * with its `---` line at the start of a line. Undefined when an edit crosses a document boundary,
 * touches a `---` line or leaves a document without its final line break before the next one: the
 * caller then checks the whole result.
 */
export function editedSpans(text: string, spans: readonly DocumentSpan[], result: string, edits: readonly TextEdit[], appended: TextEdit | undefined): EditedStream | undefined {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset || a.length - b.length);
  // A line break that starts the appended text ends the last document's last line.
  const lead = appended ? (/^\r?\n/.exec(appended.newText)?.[0] ?? '') : '';
  const bodyEnd = result.length - (appended?.newText.length ?? 0) + lead.length;
  const edited: EditedSpan[] = [];
  let k = 0;
  let delta = 0;
  for (let i = 0; i < spans.length; i++) {
    const { from, to } = spans[i] as DocumentSpan;
    const lastBefore = i === spans.length - 1;
    const newFrom = from + delta;
    // The last document is checked whenever text is appended: what follows it can change its value (`|+`).
    let touched = lastBefore && appended !== undefined;
    // An insertion where the next document's `---` line begins still belongs to this document.
    for (let e = sorted[k]; e && (e.offset < to || (e.offset === to && e.length === 0)); e = sorted[++k]) {
      if (e.offset + e.length > to) return undefined;
      delta += e.newText.length - e.length;
      touched = true;
    }
    const newTo = to + delta + (lastBefore ? lead.length : 0);
    if (!touched) {
      if (!result.startsWith(text.slice(from, to), newFrom)) return undefined;
      continue;
    }
    const after = result.slice(newFrom, newTo);
    if (i > 0 && firstLine(after) !== firstLine(text.slice(from, to))) return undefined;
    if (!lastBefore && !after.endsWith('\n')) return undefined;
    edited.push({ index: i, after, lastAfter: lastBefore && appended === undefined });
  }
  if (k !== sorted.length || bodyEnd !== text.length + delta + lead.length) return undefined;
  return { edited, appended: result.slice(bodyEnd) };
}

function firstLine(s: string): string {
  const nl = s.indexOf('\n');
  return nl === -1 ? s : s.slice(0, nl);
}
