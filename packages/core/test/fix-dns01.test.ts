import { describe, expect, it } from 'vitest';
import { analyze, dns01FromFlags, fix } from '../src/index.js';
import { fixText, issuer } from './helpers.js';

const route53 = { route53: { region: 'eu-west-1' } };

describe('dns01 fix', () => {
  it('replaces the http01 entry with a dns01 block and keeps the selector', () => {
    const before = issuer('    - selector:\n        dnsZones: [example.com]\n      http01:\n        ingress:\n          class: nginx\n');
    expect(fixText(before, { strategy: 'dns01', dns01: route53 })).toBe(issuer('    - selector:\n        dnsZones: [example.com]\n      dns01:\n        route53:\n          region: eu-west-1\n'));
  });

  it('keeps the comments of the removed entry and the other solvers', () => {
    const before = issuer('    - http01:\n        ingress:\n          # the public ingress\n          class: nginx # contour later\n    - dns01:\n        cloudflare: {apiTokenSecretRef: {name: cf, key: t}}\n');
    const after = fixText(before, { strategy: 'dns01', dns01: route53 });
    expect(after).toBe(issuer('    - dns01:\n        route53:\n          region: eu-west-1\n        # the public ingress\n        # contour later\n    - dns01:\n        cloudflare: {apiTokenSecretRef: {name: cf, key: t}}\n'));
  });

  it('writes flow style into flow style, and CRLF into CRLF', () => {
    expect(fixText(issuer('    - http01: {ingress: {class: nginx}}\n'), { strategy: 'dns01', dns01: route53 })).toBe(issuer('    - dns01: {route53: {region: eu-west-1}}\n'));
    const crlf = issuer('    - http01:\n        ingress:\n          class: nginx\n').replace(/\n/g, '\r\n');
    expect(fixText(crlf, { strategy: 'dns01', dns01: route53 })).toBe(issuer('    - dns01:\n        route53:\n          region: eu-west-1\n').replace(/\n/g, '\r\n'));
  });

  it('leaves a solver that has dns01 beside http01 alone, with the reason', () => {
    const before = issuer('    - dns01:\n        route53: {region: eu-west-1}\n      http01:\n        ingress:\n          class: nginx\n');
    const { findings } = analyze(before, { fileName: 'i.yaml' });
    const r = fix(before, findings, { strategy: 'dns01', dns01: route53, fileName: 'i.yaml' });
    expect(r.text).toBe(before);
    expect(r.skipped.map((x) => x.reason)).toEqual(['this solver already has a dns01 entry beside http01 (cert-manager rejects that); remove one of them by hand']);
  });

  it('never leaves an alias pointing at a removed anchor', () => {
    const before = `${issuer('    - http01:\n        ingress: &ing\n          class: nginx\n')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {}\n`;
    const withAlias = before.replace('          class: nginx\n', '          class: nginx\n    - selector: {}\n      http01:\n        ingress: *ing\n');
    const r = analyze(withAlias, { fileName: 'a.yaml' });
    // Both solvers are converted, so the alias goes with its anchor.
    const both = fix(withAlias, r.findings, { strategy: 'dns01', dns01: route53 });
    expect(both.skipped).toEqual([]);
    expect(both.text).not.toContain('*ing');
    // Only the anchored one converted: the alias would dangle, so it is skipped with a reason.
    const first = fix(withAlias, r.findings.slice(0, 1), { strategy: 'dns01', dns01: route53 });
    expect(first.edits).toEqual([]);
    expect(first.skipped[0]?.reason).toMatch(/anchor &ing .* still used by \*ing at line 16/);
    expect(first.skipped[0]?.code).toBe('anchor-still-used');
  });

  it('leaves ytt logic inside the entry alone', () => {
    const before = issuer('    - http01:\n        ingress:\n          #@ if data.values.c:\n          class: nginx\n          #@ end\n');
    const r = analyze(before, { fileName: 'y.yaml' });
    const out = fix(before, r.findings, { strategy: 'dns01', dns01: route53 });
    expect(out.text).toBe(before);
    expect(out.skipped[0]?.reason).toMatch(/ytt annotations/);
    expect(out.skipped[0]?.code).toBe('ytt-annotations');
  });

  it('rejects an invalid dns01 block before editing', () => {
    const before = issuer('    - http01:\n        ingress:\n          class: nginx\n');
    const out = fix(before, analyze(before, { fileName: 'x' }).findings, { strategy: 'dns01', dns01: { cloudflare: {} } });
    expect(out.text).toBe(before);
    expect(out.skipped[0]?.reason).toMatch(/dns01.cloudflare: apiKeySecretRef or apiTokenSecretRef is required/);
    expect(out.skipped[0]?.code).toBe('dns01-block-invalid');
  });
});

describe('dns01 from flags', () => {
  it('builds and validates every provider\'s block', () => {
    expect(dns01FromFlags('route53', { 'route53-region': 'us-east-1', 'route53-access-key-id-secret-ref': 'aws:id', 'route53-secret-access-key-secret-ref': 'aws:secret' })).toEqual({
      block: { route53: { region: 'us-east-1', accessKeyIDSecretRef: { name: 'aws', key: 'id' }, secretAccessKeySecretRef: { name: 'aws', key: 'secret' } } },
      errors: [],
    });
    expect(dns01FromFlags('cloudDNS', { 'cloud-dns-project': 'p' }).block).toEqual({ cloudDNS: { project: 'p' } });
    expect(dns01FromFlags('azureDNS', { 'azure-dns-subscription-id': 's', 'azure-dns-resource-group-name': 'rg', 'azure-dns-managed-identity-client-id': 'c' }).block).toEqual({
      azureDNS: { subscriptionID: 's', resourceGroupName: 'rg', managedIdentity: { clientID: 'c' } },
    });
    expect(dns01FromFlags('digitalocean', { 'digitalocean-token-secret-ref': 'do:token' }).errors).toEqual([]);
    expect(dns01FromFlags('acmeDNS', { 'acme-dns-host': 'https://acme-dns', 'acme-dns-account-secret-ref': 'a:b' }).errors).toEqual([]);
    expect(dns01FromFlags('rfc2136', { 'rfc2136-nameserver': '10.0.0.1:53' }).errors).toEqual([]);
    expect(dns01FromFlags('akamai', { 'akamai-service-consumer-domain': 'd', 'akamai-client-token-secret-ref': 'a:1', 'akamai-client-secret-secret-ref': 'a:2', 'akamai-access-token-secret-ref': 'a:3' }).errors).toEqual([]);
    expect(dns01FromFlags('webhook', { 'webhook-group-name': 'g', 'webhook-solver-name': 's' }).errors).toEqual([]);
    expect(dns01FromFlags('cloudflare', { 'cloudflare-api-token-secret-ref': 'cf:token' }, 'Follow').block).toEqual({ cloudflare: { apiTokenSecretRef: { name: 'cf', key: 'token' } }, cnameStrategy: 'Follow' });
  });

  it('names the flag that is missing or malformed', () => {
    expect(dns01FromFlags('cloudDNS', {}).errors).toEqual(['dns01.cloudDNS.project: is required (--cloud-dns-project)']);
    expect(dns01FromFlags('digitalocean', { 'digitalocean-token-secret-ref': 'nokey' }).errors[0]).toMatch(/--digitalocean-token-secret-ref takes NAME:KEY/);
    expect(dns01FromFlags('nope', {}).errors[0]).toMatch(/unknown DNS01 provider "nope"/);
    expect(dns01FromFlags('rfc2136', { 'rfc2136-nameserver': 'ns', 'rfc2136-tsig-algorithm': 'MD4' }).errors[0]).toMatch(/must be one of HMACMD5/);
    // A rule over several fields names each of their flags.
    expect(dns01FromFlags('cloudflare', {}).errors).toEqual([
      'dns01.cloudflare: apiKeySecretRef or apiTokenSecretRef is required (--cloudflare-api-token-secret-ref or --cloudflare-api-key-secret-ref)',
    ]);
  });

  it('holds the flags to the cert-manager version asked for, as its API server and webhook would', () => {
    // 1.11 requires route53.region; later versions allow ambient configuration.
    expect(dns01FromFlags('route53', {}).errors).toEqual([]);
    expect(dns01FromFlags('route53', {}, undefined, '1.11').errors).toEqual([expect.stringMatching(/^dns01\.route53\.region: .*\(--route53-region\)$/)]);
    expect(dns01FromFlags('route53', { 'route53-region': 'eu-west-1' }, undefined, '1.11').errors).toEqual([]);
    // Fields 1.11 does not serve are refused rather than written for the API server to reject or drop.
    const rfc = { 'rfc2136-nameserver': '10.0.0.1:53', 'rfc2136-protocol': 'TCP' };
    expect(dns01FromFlags('rfc2136', rfc).errors).toEqual([]);
    expect(dns01FromFlags('rfc2136', rfc, undefined, '1.11').errors).toEqual([expect.stringMatching(/^dns01\.rfc2136\.protocol: .*\(--rfc2136-protocol\)$/)]);
    const azure = { 'azure-dns-subscription-id': 's', 'azure-dns-resource-group-name': 'g', 'azure-dns-managed-identity-client-id': 'c', 'azure-dns-managed-identity-tenant-id': 't' };
    expect(dns01FromFlags('azureDNS', azure).errors).toEqual([]);
    expect(dns01FromFlags('azureDNS', azure, undefined, '1.11').errors).toEqual([expect.stringMatching(/^dns01\.azureDNS\.managedIdentity\.tenantID: .*\(--azure-dns-managed-identity-tenant-id\)$/)]);
  });
});

describe('dns01 fix keeps the surrounding style', () => {
  it('an anchor on the whole solver is not in the way, and its alias follows', () => {
    const before = issuer('    - &s\n      http01:\n        ingress:\n          class: a\n    - *s\n');
    expect(fixText(before, { strategy: 'dns01', dns01: { route53: {} } })).toBe(issuer('    - &s\n      dns01:\n        route53: {}\n    - *s\n'));
  });

  it('flow without padding stays without padding; JSON keeps its spacing', () => {
    expect(fixText(issuer('    - {http01: {ingress: {class: nginx}}}\n'), { strategy: 'dns01', dns01: route53 })).toBe(issuer('    - {dns01: {route53: {region: eu-west-1}}}\n'));
    const json = '{"apiVersion": "cert-manager.io/v1", "kind": "Issuer", "metadata": {"name": "x"}, "spec": {"acme": {"server": "s", "privateKeySecretRef": {"name": "k"}, "solvers": [{"http01": {"ingress": {}}}]}}}';
    expect(fixText(json, { strategy: 'dns01', dns01: route53 }, 'i.json')).toBe(json.replace('{"http01": {"ingress": {}}}', '{"dns01": {"route53": {"region": "eu-west-1"}}}'));
  });
});
