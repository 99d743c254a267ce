// Seeds the test API server over loopback with parallel requests, as the admin of the kubeconfig
// that tools/cluster wrote (client certificate). Only for the benchmark's fixtures.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parse } from 'yaml';

/** A keep-alive agent with the kubeconfig's admin client certificate, and the server's URL. */
export function adminAgent(kubeconfigPath, maxSockets = Infinity) {
  const kc = parse(readFileSync(kubeconfigPath, 'utf8'));
  const cluster = kc.clusters[0].cluster;
  const user = kc.users[0].user;
  const b64 = (s) => Buffer.from(s, 'base64');
  const agent = new https.Agent({
    keepAlive: true, maxSockets,
    ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']),
  });
  return { agent, server: new URL(cluster.server) };
}

export function adminClient(kubeconfigPath, concurrency = 32) {
  const { agent, server } = adminAgent(kubeconfigPath, concurrency);
  const request = (method, path, body, attempt = 0) =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        { host: server.hostname, port: server.port, path, method, agent, headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(data ? { 'Content-Length': Buffer.byteLength(data) } : {}) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => {
            if (res.statusCode >= 200 && res.statusCode < 300) resolve(text ? JSON.parse(text) : {});
            else if (res.statusCode === 409 && method === 'POST') resolve({}); // already there: seeding is idempotent
            // The API server sheds load under a seeding burst (APF): wait as asked and send again.
            else if ((res.statusCode === 429 || res.statusCode >= 500) && attempt < 8) setTimeout(() => request(method, path, body, attempt + 1).then(resolve, reject), 1000 * Number(res.headers['retry-after'] ?? 1));
            else reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  return { request, close: () => agent.destroy() };
}

/** Run the tasks with at most `n` in flight. Tasks are made on demand, so 100,000 of them cost no memory up front. */
export async function pool(count, makeTask, n) {
  let next = 0;
  const worker = async () => {
    while (next < count) await makeTask(next++)();
  };
  await Promise.all(Array.from({ length: Math.min(n, count) }, worker));
}

const dockerConfig = Buffer.from(JSON.stringify({ auths: { 'registry.example.com': { auth: Buffer.from('robot:bench').toString('base64') } } })).toString('base64');
const pad = (i, n) => String(i).padStart(n, '0');

export const issuerName = (i, issuers) => `issuer-${pad(i, String(issuers - 1).length)}`;
export const namespaceNames = (namespaces) => Array.from({ length: namespaces }, (_, i) => `bench-${pad(i, String(namespaces - 1).length)}`);

/** A pull secret, as TAP's exported registry credentials are. */
export const pullSecret = (name, namespace) => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': dockerConfig },
});

/**
 * Namespaces each using one ClusterIssuer (round robin), Certificates spread evenly over them, and
 * `ingresses` Ingresses annotated with the namespace's issuer (ingress-shim). Each phase reports its time.
 */
export async function seed(client, { namespaces, certificates, issuers, ingresses, solverImage, concurrency, log = () => {} }) {
  const { request } = client;
  const ns = namespaceNames(namespaces);
  const phase = async (what, count, make) => {
    const t = performance.now();
    await pool(count, make, concurrency);
    const s = (performance.now() - t) / 1000;
    log(`seeded ${count} ${what} in ${s.toFixed(1)} s (${(count / s).toFixed(0)}/s)`);
    return s;
  };
  const times = {};
  await request('POST', '/apis/apps/v1/namespaces/cert-manager/deployments', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cert-manager', namespace: 'cert-manager' },
    spec: {
      selector: { matchLabels: { app: 'cert-manager' } },
      template: { metadata: { labels: { app: 'cert-manager' } }, spec: { containers: [{ name: 'cert-manager-controller', image: 'quay.io/jetstack/cert-manager-controller:v1.21.1', args: [`--acme-http01-solver-image=${solverImage}`, '--cluster-resource-namespace=$(POD_NAMESPACE)'] }] } },
    },
  });
  // The source `fix --pull-secret-source copy:cert-manager/registry-credentials` copies.
  await request('POST', '/api/v1/namespaces/cert-manager/secrets', pullSecret('registry-credentials', 'cert-manager'));
  times.issuers = await phase('ClusterIssuers', issuers, (i) => () => request('POST', '/apis/cert-manager.io/v1/clusterissuers', {
    apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: issuerName(i, issuers) },
    spec: { acme: { server: 'https://acme.example/directory', privateKeySecretRef: { name: `${issuerName(i, issuers)}-key` }, solvers: [{ http01: { ingress: { ingressClassName: 'contour' } } }] } },
  }));
  times.namespaces = await phase('namespaces', namespaces, (i) => () => request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns[i] } }));
  // The pull secret exists in every namespace (as TAP's exported registry credentials would), so fix writes ServiceAccounts only.
  times.secrets = await phase('pull secrets', namespaces, (i) => () => request('POST', `/api/v1/namespaces/${ns[i]}/secrets`, pullSecret('registry-credentials', ns[i])));
  const perNs = Math.ceil(certificates / namespaces);
  // Each namespace uses one issuer: namespace n uses issuer n mod issuers.
  const issuerOf = (n) => issuerName(n % issuers, issuers);
  times.certificates = await phase('Certificates', certificates, (i) => {
    const n = Math.floor(i / perNs);
    return () => request('POST', `/apis/cert-manager.io/v1/namespaces/${ns[n]}/certificates`, {
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: `cert-${i % perNs}`, namespace: ns[n] },
      spec: { secretName: `cert-${i % perNs}-tls`, dnsNames: [`c${i}.example.com`], issuerRef: { name: issuerOf(n), kind: 'ClusterIssuer', group: 'cert-manager.io' } },
    });
  });
  const ingPerNs = Math.max(1, Math.ceil(ingresses / namespaces));
  times.ingresses = await phase('annotated Ingresses', ingresses, (i) => {
    const n = Math.floor(i / ingPerNs);
    const host = `web${i}.example.com`;
    return () => request('POST', `/apis/networking.k8s.io/v1/namespaces/${ns[n]}/ingresses`, {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: { name: `web-${i % ingPerNs}`, namespace: ns[n], annotations: { 'cert-manager.io/cluster-issuer': issuerOf(n) } },
      spec: {
        ingressClassName: 'contour',
        tls: [{ hosts: [host], secretName: `web-${i % ingPerNs}-tls` }],
        rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
      },
    });
  });
  return { ns, times };
}
