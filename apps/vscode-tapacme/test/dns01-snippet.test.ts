import { analyze, dns01Providers, validateDns01 } from '@tapacme/core';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { dns01Snippet, escapeSnippet, placeholderValue, providerPicks, snippetFields } from '../src/logic/dns01-snippet.js';
import { BROKEN } from './fixtures.js';

/** Expand a snippet as VS Code does when the user accepts every default (first choice of a choice). */
function expand(snippet: string): string {
  return snippet
    .replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1')
    .replace(/\$\{\d+:((?:[^}\\]|\\.)*)\}/g, '$1')
    .replace(/\\([\\$}])/g, '$1');
}

function finding(text: string) {
  const f = analyze(text, { fileName: 'i.yaml' }).findings.find((x) => x.rule === 'http01-solver-missing-service-account');
  if (!f) throw new Error('no finding');
  return f;
}

describe('providerPicks', () => {
  it('lists the nine providers with the fields each snippet asks for', () => {
    const picks = providerPicks();
    expect(picks.map((p) => p.key)).toEqual(['route53', 'cloudDNS', 'azureDNS', 'cloudflare', 'digitalocean', 'acmeDNS', 'rfc2136', 'akamai', 'webhook']);
    expect(picks.find((p) => p.key === 'cloudflare')?.detail).toBe('needs apiTokenSecretRef');
    expect(picks.find((p) => p.key === 'route53')?.detail).toMatch(/^no field is required/);
  });
});

describe('dns01Snippet', () => {
  for (const provider of dns01Providers) {
    it(`${provider.key}: replaces the http01 entry with a valid dns01 block, one tab stop per value`, () => {
      const s = dns01Snippet(BROKEN, 'i.yaml', finding(BROKEN), provider.key);
      if ('error' in s) throw new Error(s.error);
      const fields = snippetFields(provider);
      expect(s.tabStops).toBe(fields.reduce((n, f) => n + (f.type === 'secretRef' ? 2 : 1), 0));
      for (let i = 1; i <= s.tabStops; i++) expect(s.snippet).toMatch(new RegExp(`\\$\\{${i}[:|]`));
      const text = BROKEN.slice(0, s.offset) + expand(s.snippet) + BROKEN.slice(s.offset + s.length);
      const solver = (parse(text) as { spec: { acme: { solvers: Record<string, unknown>[] } } }).spec.acme.solvers[0];
      expect(Object.keys(solver ?? {})).toEqual(['dns01']);
      expect(validateDns01(solver?.['dns01'])).toEqual([]);
      expect(analyze(text, { fileName: 'i.yaml' }).findings).toEqual([]);
    });
  }

  it('indents the block as the file does and keeps comments of the removed entry', () => {
    const text = BROKEN.replace(/\n {4}- http01:\n {8}ingress:\n {10}class: contour\n/, '\n    - http01:\n          ingress: # was contour\n              class: contour\n');
    const s = dns01Snippet(text, 'i.yaml', finding(text), 'cloudflare');
    if ('error' in s) throw new Error(s.error);
    expect(s.snippet).toBe('dns01:\n          cloudflare:\n              apiTokenSecretRef:\n                  name: ${1:api-token-secret}\n                  key: ${2:key}\n          # was contour');
  });

  it('escapes snippet syntax in the file\'s own text', () => {
    expect(escapeSnippet('a: ${x} \\ $1')).toBe('a: \\${x\\} \\\\ \\$1');
  });

  it('answers an unknown provider with an error', () => {
    expect(dns01Snippet(BROKEN, 'i.yaml', finding(BROKEN), 'nope')).toEqual({ error: 'unknown DNS01 provider "nope"' });
  });

  it('turns an enum field into a choice and a secret reference into two tab stops', () => {
    const seen: string[] = [];
    const token = (p: string): string => {
      seen.push(p);
      return `t${seen.length}`;
    };
    expect(placeholderValue({ path: ['protocol'], type: 'enum', values: ['TCP', 'UDP'], description: '' }, token)).toBe('t1');
    expect(placeholderValue({ path: ['tsigSecretSecretRef'], type: 'secretRef', description: '' }, token)).toEqual({ name: 't2', key: 't3' });
    expect(seen).toEqual(['|TCP,UDP|', 'tsig-secret-secret', 'key']);
  });
});
