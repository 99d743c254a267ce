import { MAX_NESTING_DEPTH } from '../nesting.js';
import { CR, DASH, HASH, SPACE, TAB } from './char-codes.js';

/** Thrown where the reader meets what it does not read exactly: the document is left to `yaml`. */
export class GiveUp extends Error {}
export const GIVE_UP = new GiveUp();

export type LineKind = 'blank' | 'comment' | 'content';

/**
 * The line the fast reader stands on, and what it has seen of the current document. Readers move it
 * line by line with `load`; a line's content excludes its indentation and its CR/LF.
 */
export class LineCursor {
  readonly text: string;
  /** Where the current line starts, where its content starts and ends, where the next line starts. */
  lineStart = 0;
  contentStart = 0;
  contentEnd = 0;
  nextLine = 0;
  kind: LineKind = 'blank';
  /** The current line is a `---` marker. */
  atMarker = false;
  /** The marker line holds more than a comment (`--- |`, `--- {}`): its document is for `yaml`. */
  markerContent = false;
  /** The current document has full-line comments. */
  comments = false;
  /** How many collections the reader is inside. */
  depth = 0;

  constructor(text: string) {
    this.text = text;
  }

  /** Read the line that starts at `at` (or the end of the text). */
  load(at: number): void {
    const t = this.text;
    this.lineStart = at;
    this.atMarker = false;
    this.markerContent = false;
    if (at >= t.length) {
      this.contentStart = this.contentEnd = this.nextLine = t.length;
      this.kind = 'blank';
      return;
    }
    let nl = t.indexOf('\n', at);
    if (nl === -1) nl = t.length;
    this.nextLine = nl < t.length ? nl + 1 : nl;
    let ce = nl;
    if (ce > at && t.charCodeAt(ce - 1) === CR) ce--;
    let cs = at;
    while (cs < ce && t.charCodeAt(cs) === SPACE) cs++;
    this.contentStart = cs;
    this.contentEnd = ce;
    if (cs === ce) this.kind = 'blank';
    else if (t.charCodeAt(cs) === HASH) this.kind = 'comment';
    else {
      this.kind = 'content';
      if (cs === at && t.startsWith('---', at)) {
        const c = t.charCodeAt(at + 3);
        if (at + 3 === ce || c === SPACE || c === TAB) {
          this.atMarker = true;
          let k = at + 3;
          while (k < ce && (t.charCodeAt(k) === SPACE || t.charCodeAt(k) === TAB)) k++;
          this.markerContent = k < ce && t.charCodeAt(k) !== HASH;
        }
      }
    }
  }

  /** Move to the next content line or marker, noting full-line comments on the way. */
  skipNonContent(): void {
    while (!this.atMarker && this.lineStart < this.text.length && this.kind !== 'content') {
      if (this.kind === 'comment') this.comments = true;
      this.load(this.nextLine);
    }
  }

  /** True at a content line of this document (not a marker, not the end). */
  get hasContent(): boolean {
    return !this.atMarker && this.lineStart < this.text.length && this.kind === 'content';
  }

  get indent(): number {
    return this.contentStart - this.lineStart;
  }

  /** `-` followed by a space or the end of the content. */
  isDash(at: number): boolean {
    return this.text.charCodeAt(at) === DASH && (at + 1 === this.contentEnd || this.text.charCodeAt(at + 1) === SPACE);
  }

  /** Into one more collection; past MAX_NESTING_DEPTH the document is `yaml`'s (which refuses it). */
  enter(): void {
    if (++this.depth > MAX_NESTING_DEPTH) throw GIVE_UP;
  }

  leave(): void {
    this.depth--;
  }

  /** The first `code` in [from, to), or -1: searches stay on the line. */
  find(code: number, from: number, to: number): number {
    const t = this.text;
    for (let i = from; i < to; i++) if (t.charCodeAt(i) === code) return i;
    return -1;
  }
}
