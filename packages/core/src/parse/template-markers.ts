import type { SourceText } from '../text/source-text.js';

/** Markers of Go/Helm ({{ }}) and Jinja ({% %}, {# #}) templates. */
const MARKER = /\{\{|\{%|\{#/g;

export interface TemplateHit {
  offset: number;
  line: number;
  marker: string;
}

/**
 * Find the first template marker that the YAML structure itself sees: outside comments and outside
 * quoted or block scalars (where `{{` is just text, e.g. a Go template stored in a ConfigMap).
 * Helm files often parse as YAML by accident (`{{ x }}` reads as a flow mapping), so parsing alone
 * cannot tell; this check runs on every file that contains a marker.
 */
export function findTemplateMarker(source: SourceText, textRanges: readonly (readonly [number, number])[]): TemplateHit | undefined {
  const text = source.text;
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    const offset = m.index;
    if (inRanges(offset, textRanges)) continue;
    const { line } = source.positionAt(offset);
    const lineStart = source.lineStart(line);
    if (commentStart(text, lineStart, offset, textRanges) !== -1) continue;
    return { offset, line, marker: m[0] };
  }
  return undefined;
}

function inRanges(offset: number, ranges: readonly (readonly [number, number])[]): boolean {
  // Ranges come in document order; a linear scan is fine for the handful of files that have markers.
  for (const [s, e] of ranges) if (offset >= s && offset < e) return true;
  return false;
}

/** Offset of a `#` comment before `until` on this line (outside quoted text), or -1. */
function commentStart(text: string, lineStart: number, until: number, textRanges: readonly (readonly [number, number])[]): number {
  for (let i = lineStart; i < until; i++) {
    if (text[i] !== '#') continue;
    const prev = i === lineStart ? ' ' : text[i - 1];
    if ((prev === ' ' || prev === '\t' || prev === '\ufeff') && !inRanges(i, textRanges)) return i;
  }
  return -1;
}

export function templateMessage(hit: TemplateHit): string {
  const kind = hit.marker === '{{' ? 'a Helm/Go template' : 'a Jinja template';
  return `this file is ${kind} (\`${hit.marker}\` at line ${hit.line + 1}), not plain YAML: render it first (for example \`helm template\`) and check the rendered output`;
}
