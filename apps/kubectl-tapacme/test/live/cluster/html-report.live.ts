// `scan -o html` read back in Debian's Chromium (playwright-core, as the editor's tier drives it): the
// page holds the same document as `-o json`, a namespace's evidence shows on click, and a hostile event
// message and issuer condition show as text: no markup from the cluster becomes an element, no script
// but the page's own runs (its Content-Security-Policy allows that one by hash).
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP, apply, controllerDeployment, id, kubectl, tapacme } from './helpers.js';

const run = id();
const CI = `html-${run}`;
const NS = `h${run}`;
const HOSTILE = `</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><b>bold</b> & "quoted"`;
const HOSTILE_READY = `<svg onload="window.__pwned=3">not ready</svg>`;
const out = join(APP, '..', '..', '.test-output');

beforeAll(async () => {
  await apply([controllerDeployment(), `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${NS}}`,
    `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: ${CI}}\nspec: {acme: {server: https://acme.example/dir, privateKeySecretRef: {name: k}, solvers: [{http01: {ingress: {}}}]}}`,
    `apiVersion: acme.cert-manager.io/v1
kind: Challenge
metadata: {name: web-1, namespace: ${NS}}
spec: {url: https://acme.example/c, authorizationURL: https://acme.example/a, dnsName: web.example.com, type: HTTP-01, token: t, key: k, solver: {http01: {ingress: {}}}, issuerRef: {name: ${CI}, kind: ClusterIssuer, group: cert-manager.io}}`,
  ].join('\n---\n'));
  await kubectl(['patch', 'clusterissuer', CI, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'False', reason: 'ErrRegister', message: HOSTILE_READY, lastTransitionTime: '2026-01-01T00:00:00Z' }] } })]);
  await kubectl(['create', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'Event', metadata: { name: `hostile-${run}`, namespace: NS }, type: 'Warning', reason: 'Failed', message: HOSTILE, involvedObject: { kind: 'Challenge', name: 'web-1', namespace: NS } }),
  });
});

describe('scan -o html', () => {
  it('is the -o json document as a self-contained page that shows cluster strings as text', async () => {
    const [html, json] = await Promise.all([tapacme(['scan', '-o', 'html']), tapacme(['scan', '-o', 'json'])]);
    expect(html.code).toBe(1);
    // The same data: the page embeds the document -o json prints.
    const embedded = /<script type="application\/json" id="report">(.*?)<\/script>/s.exec(html.stdout)?.[1] ?? '';
    expect(JSON.parse(embedded)).toEqual(JSON.parse(json.stdout));
    // Self-contained: nothing loaded from anywhere, scripts by hash only.
    expect(html.stdout).not.toMatch(/<(link|img|iframe|object|embed)\b|<script[^>]*\bsrc=/i);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html.stdout)?.[1] ?? '';
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).not.toContain('unsafe');

    mkdirSync(out, { recursive: true });
    const file = join(out, `scan-report-${run}.html`);
    writeFileSync(file, html.stdout);
    const browser = await chromium.launch({
      executablePath: process.env['TAPACME_CHROMIUM'] ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      const row = page.locator('tr', { hasText: `ClusterIssuer ${CI}` });
      // The issuer's hostile Ready message is text in its row, not an <svg>.
      await expect.poll(() => row.locator('td').first().textContent()).toContain(HOSTILE_READY);
      const chip = row.locator('button.ns', { hasText: NS });
      expect(await chip.getAttribute('class')).toBe('ns error');
      await chip.click();
      const panel = page.locator('#panel');
      await expect.poll(() => panel.textContent()).toContain(`Event Challenge/web-1: Failed: ${HOSTILE}`);
      const shot = join(out, `scan-report-${run}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      // No script from the cluster ran and no element came from its markup; nothing was fetched.
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('img, svg, b:has-text("bold")').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(2);
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
