import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderScanHtml } from '../src/cluster/render-html.js';

const hostile = '</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)> \u2028';
const doc = {
  issuers: [{
    kind: 'ClusterIssuer', name: 'le"prod', namespace: null, ready: { status: 'False', reason: 'x', message: hostile }, needsFix: true,
    namespaces: [
      { name: 'a', evidence: [], certificates: [], serviceAccount: null, problems: [{ rule: 'r', severity: 'error', message: hostile }], failures: [] },
      { name: 'b', evidence: [], certificates: [], serviceAccount: null, problems: [], failures: [{ kind: 'Event', name: 'Pod/p', reason: 'Failed', message: hostile }] },
      { name: 'c', evidence: [], certificates: [], serviceAccount: null, problems: [], failures: [] },
    ],
  }],
  warnings: [hostile],
  summary: { issuers: 1, namespaces: 3, errors: 1, warnings: 1 },
};

describe('renderScanHtml', () => {
  const html = renderScanHtml(doc);

  it('escapes every string from the cluster in the markup', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    const markup = html.replace(/<script type="application\/json" id="report">.*?<\/script>/s, '');
    expect(markup).not.toContain('<img');
    expect(markup).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(markup).toContain('le&quot;prod');
    // Two scripts only: the data block and the page's own.
    expect(html.match(/<script\b/g)).toHaveLength(2);
  });

  it('embeds the document as data that cannot close its element, and gives it back whole', () => {
    const data = /<script type="application\/json" id="report">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    expect(data).not.toMatch(/<|\u2028/);
    expect(JSON.parse(data)).toEqual(doc);
  });

  it('colours each namespace by its state', () => {
    expect([...html.matchAll(/<button class="ns (\w+)"[^>]*>(\w)<\/button>/g)].map((m) => [m[2], m[1]])).toEqual([['a', 'error'], ['b', 'warning'], ['c', 'ok']]);
  });

  it('allows its own inline script and style by hash, and nothing else', () => {
    const csp = /content="(default-src[^"]*)"/.exec(html)?.[1] ?? '';
    const inline = (tag: string): string => new RegExp(`<${tag}>(.*?)</${tag}>`, 's').exec(html)?.[1] ?? '';
    const hash = (s: string): string => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(csp).toBe(`default-src 'none'; script-src ${hash(inline('script'))}; style-src ${hash(inline('style'))}; img-src 'none'; base-uri 'none'; form-action 'none'`);
  });
});
