// A list response read as it arrives: each element of the top-level "items" array is parsed on its
// own and handed on, so a page of 10,000 objects never exists as one string and one object tree at
// once; only one item's text is held at a time. Everything outside "items" (kind, metadata with the
// continue token and resourceVersion) is kept and parsed at the end.
import type { Obj } from '../json-object.js';

const QUOTE = 34;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

export class ListStreamParser {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The text outside the items (the list's own fields); the items array is kept as "[]". */
  private rest = '';
  /** Inside the top-level "items" array. */
  private inItems = false;
  /** Text of the item being read, while inside one. */
  private item: string[] | undefined;
  count = 0;

  constructor(private readonly onItem: (item: Obj) => void) {}

  write(chunk: string): void {
    let from = 0;
    // Next backslash at or after the scan position (-1: none in this chunk), found once and reused.
    let backslash = chunk.indexOf('\\');
    for (let i = 0; i < chunk.length; i++) {
      if (this.inString) {
        // Jump to the end of the string (most of the text) instead of looking at each character.
        if (this.escaped) {
          this.escaped = false;
          continue;
        }
        if (backslash !== -1 && backslash < i) backslash = chunk.indexOf('\\', i);
        const quote = chunk.indexOf('"', i);
        if (backslash !== -1 && (quote === -1 || backslash < quote)) {
          i = backslash; // the loop steps over the backslash; the next character is escaped
          this.escaped = true;
          continue;
        }
        if (quote === -1) break;
        i = quote;
        this.inString = false;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === QUOTE) {
        this.inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
        if (this.inItems && this.depth === 3 && this.item === undefined) {
          // An item starts: what came before it (",", whitespace) is dropped.
          this.item = [];
          from = i;
        } else if (!this.inItems && this.depth === 2 && c === OPEN_BRACKET) {
          this.rest += chunk.slice(from, i + 1);
          from = i + 1;
          if (/"items"\s*:\s*\[$/.test(this.rest)) this.inItems = true;
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.inItems && this.depth === 2 && this.item !== undefined) {
          this.item.push(chunk.slice(from, i + 1));
          this.emit();
          from = i + 1;
        } else if (this.inItems && this.depth === 1) {
          // The items array closes: keep "]" so that the rest reads "items":[].
          this.inItems = false;
          from = i;
        }
      }
    }
    if (this.item !== undefined) this.item.push(chunk.slice(from));
    else if (!this.inItems) this.rest += chunk.slice(from);
  }

  /** The list without its items (kind, metadata); throws when the text was not one whole JSON object. */
  end(): Obj {
    if (this.depth !== 0 || this.inString || this.item !== undefined) throw new SyntaxError('the list response ended early');
    const list = JSON.parse(this.rest) as Obj;
    return list;
  }

  private emit(): void {
    const text = (this.item as string[]).join('');
    this.item = undefined;
    this.count++;
    this.onItem(JSON.parse(text) as Obj);
  }
}

/**
 * One list page read through a ListStreamParser: items get the apiVersion and kind that lists leave
 * off, are mapped as they arrive, and only the mapped values are kept. Each attempt at the request
 * (`stream()`) starts afresh, so a page cut off and sent again counts its items once.
 */
export function pageReader<T>(apiVersion: string, kind: string, map: (item: Obj) => T | undefined, metadataOnly = false): { stream: () => (chunk: string) => void; end: () => { items: T[]; list: Obj } } {
  let parser: ListStreamParser | undefined;
  let items: T[] = [];
  return {
    stream: () => {
      const mine: T[] = (items = []);
      const p = (parser = new ListStreamParser((item) => {
        // Metadata-only items say PartialObjectMetadata: they are still objects of the listed kind.
        if (metadataOnly || item['apiVersion'] === undefined) item['apiVersion'] = apiVersion;
        if (metadataOnly || item['kind'] === undefined) item['kind'] = kind;
        const v = map(item);
        if (v !== undefined) mine.push(v);
      }));
      return (chunk) => p.write(chunk);
    },
    end: () => ({ items, list: parser ? parser.end() : {} }),
  };
}
