import { dns01Provider, dns01Providers, fix, FixError } from '@tapacme/core';
import type { Dns01Provider, Finding, ProviderField } from '@tapacme/core';

/** One entry of the provider quick pick. */
export interface ProviderPick {
  key: string;
  label: string;
  description: string;
  detail: string;
}

export function providerPicks(): ProviderPick[] {
  return dns01Providers.map((p) => {
    const fields = snippetFields(p);
    return {
      key: p.key,
      label: p.title,
      description: p.key,
      detail: fields.some((f) => f.required) ? `needs ${fields.map((f) => f.path.join('.')).join(', ')}` : `no field is required; starts with ${fields.map((f) => f.path.join('.')).join(', ')}`,
    };
  });
}

/** A snippet that replaces the solver's http01 entry, with a tab stop per field to fill in. */
export interface Dns01Snippet {
  offset: number;
  length: number;
  /** VS Code snippet syntax: `$`, `}` and `\` of the file's own text are escaped. */
  snippet: string;
  /** How many tab stops the snippet has. */
  tabStops: number;
}

/**
 * The fields the snippet asks for: the provider's required ones; a provider that needs none
 * (Route53 with ambient credentials) gets its first field so the block is not an empty mapping.
 */
export function snippetFields(p: Dns01Provider): ProviderField[] {
  const required = p.fields.filter((f) => f.required);
  return required.length > 0 ? required : p.fields.slice(0, 1);
}

/**
 * The core computes the replacement (range, indentation, quoting, kept comments) with a placeholder
 * block whose values are unique tokens; the tokens then become tab stops. The same verification of
 * the edited text that every core fix gets applies to the placeholder block.
 */
export function dns01Snippet(text: string, fileName: string, finding: Finding, providerKey: string): Dns01Snippet | { error: string } {
  const provider = dns01Provider(providerKey);
  if (!provider) return { error: `unknown DNS01 provider "${providerKey}"` };
  const stops: string[] = [];
  const token = (placeholder: string): string => {
    stops.push(placeholder);
    return `tapacmestop${stops.length}x`;
  };
  const config: Record<string, unknown> = {};
  for (const field of snippetFields(provider)) setPath(config, field.path, placeholderValue(field, token));
  let result;
  try {
    result = fix(text, [finding], { strategy: 'dns01', fileName, dns01: { [provider.key]: config } });
  } catch (e) {
    if (e instanceof FixError) return { error: e.message };
    throw e;
  }
  const edit = result.edits[0];
  if (!edit || result.edits.length !== 1) return { error: result.skipped[0]?.reason ?? 'the solver cannot be converted here' };
  let snippet = escapeSnippet(edit.newText);
  stops.forEach((placeholder, i) => {
    snippet = snippet.replace(`tapacmestop${i + 1}x`, placeholder.startsWith('|') ? `\${${i + 1}${placeholder}}` : `\${${i + 1}:${escapePlaceholder(placeholder)}}`);
  });
  return { offset: edit.offset, length: edit.length, snippet, tabStops: stops.length };
}

/** The value of a field in the placeholder block; `token` registers a tab stop and returns its token. */
export function placeholderValue(field: ProviderField, token: (placeholder: string) => string): unknown {
  const name = String(field.path[field.path.length - 1]);
  switch (field.type) {
    case 'secretRef':
      return { name: token(`${kebab(name.replace(/SecretRef$/, ''))}-secret`), key: token('key') };
    case 'enum':
      return token(`|${(field.values ?? []).join(',')}|`);
    case 'list':
      return [token(name)];
    default:
      return token(name);
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = target;
  path.forEach((seg, i) => {
    if (i === path.length - 1) cur[seg] = value;
    else cur = (cur[seg] ??= {}) as Record<string, unknown>;
  });
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Text that a snippet must show literally. */
export function escapeSnippet(s: string): string {
  return s.replace(/[\\$}]/g, (c) => `\\${c}`);
}

function escapePlaceholder(s: string): string {
  return s.replace(/[\\$}]/g, (c) => `\\${c}`);
}
