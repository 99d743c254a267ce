// The failure on a real-shaped cluster: the issuer names no ServiceAccount, so cert-manager's own
// solver Pod is admitted as "default" without any pull secret (kube-controller-manager made
// "default"); the node cannot pull the solver image from the private registry without one, so
// the Pod stays Pending in ErrImagePull/ImagePullBackOff. scan names the namespace with the evidence.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Obj } from './rig.js';
import { apply, certificate, env, http01ClusterIssuer, id, inRig, kubectl, list, tapacme, waitFor, waitIssuerReady } from './rig.js';

const suffix = id();
const issuer = `e2e-http01-${suffix}`;
const ns = `e2e-fail-${suffix}`;
const dnsName = `web-${suffix}.${env('TAPACME_E2E_DOMAIN')}`;

interface Chain {
  name: string;
  ready: Obj | null;
  request: { name: string; approved: Obj | null; ready: Obj | null } | null;
  order: { name: string; state: string | null; reason: string | null } | null;
  challenges: { name: string; type: string | null; state: string | null; reason: string | null }[];
}

interface ScanJson {
  issuers: {
    kind: string; name: string; needsFix: boolean; ready: Obj | null;
    namespaces: { name: string; problems: { rule: string }[]; failures: Obj[]; serviceAccount: Obj | null; certificates: Chain[] }[];
  }[];
  certManager: { version: string | null };
  solverImage: { image: string; source: string };
}

let pod: Obj;

beforeAll(async () => {
  await apply(http01ClusterIssuer(issuer));
  await waitIssuerReady(issuer);
  await kubectl(['create', 'namespace', ns]);
  await apply(certificate(ns, 'web', issuer, dnsName));
  pod = await waitFor('the solver Pod', async () => (await list('pods', ns, 'acme.cert-manager.io/http01-solver=true'))[0]);
  // The node has tried to pull and failed.
  await waitFor('the pull failure event', async () => {
    const events = await list('events', ns);
    return events.some((e) => e['reason'] === 'Failed' && /^Failed to pull image/.test(String(e['message']))) ? true : undefined;
  }, 60_000);
});

describe('cert-manager\'s solver Pod on a cluster with kube-controller-manager', () => {
  it('is admitted running as "default" with no pull secret, image from the controller flag, and stays Pending', async () => {
    const spec = pod['spec'] as Obj;
    expect(spec['serviceAccountName']).toBe('default');
    expect(spec['imagePullSecrets']).toBeUndefined();
    expect(((spec['containers'] as Obj[])[0])?.['image']).toBe(env('TAPACME_E2E_SOLVER_IMAGE'));
    const now = (await list('pods', ns, 'acme.cert-manager.io/http01-solver=true'))[0];
    expect((now?.['status'] as Obj)['phase']).toBe('Pending');
  });

  it('scan reports the namespace with the Challenge, the Pod (as "default", no pull secret) and its events as evidence', async () => {
    const r = await tapacme(['scan', '-o', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as ScanJson;
    expect(report.certManager.version).toBe('v1.11.5');
    expect(report.solverImage).toMatchObject({ image: env('TAPACME_E2E_SOLVER_IMAGE'), source: 'controller-flag' });
    const i = report.issuers.find((x) => x.name === issuer);
    expect(i?.needsFix).toBe(true);
    const n = i?.namespaces.find((x) => x.name === ns);
    expect(n?.serviceAccount).toMatchObject({ name: 'default', configured: false, exists: true, imagePullSecrets: [] });
    expect(n?.problems.map((p) => p.rule)).toContain('solver-no-pull-secrets');
    const podName = String((pod['metadata'] as Obj)['name']);
    expect(n?.failures).toContainEqual(expect.objectContaining({ kind: 'Pod', name: podName, serviceAccountName: 'default', imagePullSecrets: [] }));
    expect(n?.failures).toContainEqual(expect.objectContaining({ kind: 'Challenge' }));
    expect(n?.failures).toContainEqual(expect.objectContaining({ kind: 'Event', name: `Pod/${podName}`, reason: 'Failed' }));
  });

  it('says the same in text, naming the namespace and who the Pod runs as', async () => {
    const r = await tapacme(['scan']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`ClusterIssuer ${issuer}  needs a fix`);
    expect(r.stdout).toMatch(new RegExp(`^ {4}${ns} `, 'm'));
    expect(r.stdout).toContain('runs as ServiceAccount default, no pull secrets');
  });
});

// cmctl, cert-manager's own CLI, beside scan for the same failing Certificate: scan shows at least
// the facts cmctl shows that bear on the failure, plus the Pod, its events, the cause and the fix.
describe('cmctl status certificate and kubectl tapacme scan, side by side', () => {
  it('agree on the issuer, CertificateRequest, Order and Challenge, and scan adds the Pod, events, cause and fix', async () => {
    // The Order and Challenge exist once cert-manager got that far; wait for cmctl to show them.
    const cm = await waitFor('cmctl to show the Challenge', async () => {
      const r = await inRig('cmctl', ['status', 'certificate', 'web', '-n', ns]);
      return r.code === 0 && /^Challenges:\n- Name: /m.test(r.stdout) ? r.stdout : undefined;
    }, 120_000);
    const scan = await tapacme(['scan', '-o', 'json']);
    const report = JSON.parse(scan.stdout) as ScanJson;
    const i = report.issuers.find((x) => x.name === issuer);
    const n = i?.namespaces.find((x) => x.name === ns);
    const chain = n?.certificates.find((c) => c.name === 'web');

    // Issuer: cmctl's Ready condition.
    const issuerReady = /^Issuer:\n {2}Name: (.+)\n {2}Kind: (.+)\n {2}Conditions:\n {4}Ready: (\w+), Reason: (\S*), Message: (.*)$/m.exec(cm);
    expect(issuerReady?.[1]).toBe(issuer);
    expect(i?.ready).toEqual({ status: issuerReady?.[3], reason: issuerReady?.[4], message: issuerReady?.[5] });

    // CertificateRequest: name, Approved and Ready.
    // cmctl indents the first condition by four spaces and the others by two.
    const cr = /^CertificateRequest:\n {2}Name: (.+)\n {2}Namespace: .+\n {2}Conditions:\n((?: {2,4}\w+: \w+, Reason: .*\n)+)/m.exec(cm);
    expect(chain?.request?.name).toBe(cr?.[1]);
    const conds = Object.fromEntries([...(cr?.[2] ?? '').matchAll(/^ {2,4}(\w+): (\w+), Reason: (\S*), Message: (.*)$/gm)].map((m) => [m[1], { status: m[2], reason: m[3], message: m[4] }]));
    expect(chain?.request?.approved).toEqual(conds['Approved']);
    expect(chain?.request?.ready).toMatchObject({ status: conds['Ready']?.status, reason: conds['Ready']?.reason });

    // Order: name, state and reason.
    const order = /^Order:\n {2}Name: (.+)\n {2}State: (\w*), Reason: (.*)$/m.exec(cm);
    expect(chain?.order).toEqual({ name: order?.[1], state: order?.[2], reason: order?.[3] || null });

    // Challenges: name, type, state and reason.
    const challenges = [...cm.matchAll(/^- Name: ([^,]+), Type: ([^,]+), Token: .*?, State: (\w*), Reason: (.*), Processing: \w+, Presented: \w+$/gm)];
    expect(challenges.length).toBeGreaterThan(0);
    for (const m of challenges) {
      const c = chain?.challenges.find((x) => x.name === m[1]);
      expect(c, m[1]).toMatchObject({ type: m[2], state: m[3] });
      // The reason is cert-manager's latest self-check error; compare up to its details, which change with every retry.
      expect(c?.reason?.split(':')[0]).toBe(m[4]?.split(':')[0]);
    }
    // Any Warning event cmctl lists is in scan's evidence too.
    for (const w of cm.matchAll(/^\s+Warning\s+(\w+)\s/gm)) {
      expect((n?.failures ?? []).some((f) => f['reason'] === w[1]), `cmctl's Warning ${w[1]}`).toBe(true);
    }

    // What cmctl does not show: the solver Pod, its events, the cause and the fix.
    expect(n?.failures).toContainEqual(expect.objectContaining({ kind: 'Pod', reason: expect.stringMatching(/^(ErrImagePull|ImagePullBackOff)$/) as unknown, serviceAccountName: 'default' }));
    expect(n?.failures).toContainEqual(expect.objectContaining({ kind: 'Event', reason: 'Failed' }));
    expect(n?.problems.map((p) => p.rule)).toContain('solver-no-pull-secrets');
    expect(cm).not.toContain('ServiceAccount');
    expect(cm).not.toContain('imagePullSecrets');
    const text = await tapacme(['scan']);
    expect(text.stdout).toMatch(/Fix with `.*fix` \(preview: `.*fix --dry-run=server`\)/);
    expect(text.stdout).toContain(`CertificateRequest ${String(cr?.[1])}: Approved=True`);
  });
});
