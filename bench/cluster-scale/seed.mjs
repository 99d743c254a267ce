// Seeds the test API server over loopback with parallel requests, as the admin of the kubeconfig
// that tools/cluster wrote (client certificate). Only for the benchmark's fixtures.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parse } from 'yaml';

export function adminClient(kubeconfigPath, concurrency = 32) {
  const kc = parse(readFileSync(kubeconfigPath, 'utf8'));
  const cluster = kc.clusters[0].cluster;
  const user = kc.users[0].user;
  const b64 = (s) => Buffer.from(s, 'base64');
  const agent = new https.Agent({
    keepAlive: true, maxSockets: concurrency,
    ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']),
  });
  const server = new URL(cluster.server);
  const request = (method, path, body) =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        { host: server.hostname, port: server.port, path, method, agent, headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(data ? { 'Content-Length': Buffer.byteLength(data) } : {}) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => {
            if (res.statusCode >= 200 && res.statusCode < 300) resolve(text ? JSON.parse(text) : {});
            else if (res.statusCode === 409 && method === 'POST') resolve({}); // already there: seeding is idempotent
            else reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  return { request, close: () => agent.destroy() };
}

/** Run the tasks with at most `n` in flight. */
export async function pool(tasks, n) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
}

const dockerConfig = Buffer.from(JSON.stringify({ auths: { 'registry.example.com': { auth: Buffer.from('robot:bench').toString('base64') } } })).toString('base64');

export async function seed(client, { namespaces, certificates, issuers, solverImage, concurrency }) {
  const { request } = client;
  const ns = Array.from({ length: namespaces }, (_, i) => `bench-${String(i).padStart(4, '0')}`);
  await request('POST', '/apis/apps/v1/namespaces/cert-manager/deployments', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cert-manager', namespace: 'cert-manager' },
    spec: {
      selector: { matchLabels: { app: 'cert-manager' } },
      template: { metadata: { labels: { app: 'cert-manager' } }, spec: { containers: [{ name: 'cert-manager-controller', image: 'quay.io/jetstack/cert-manager-controller:v1.21.1', args: [`--acme-http01-solver-image=${solverImage}`, '--cluster-resource-namespace=$(POD_NAMESPACE)'] }] } },
    },
  });
  await pool(Array.from({ length: issuers }, (_, i) => () => request('POST', '/apis/cert-manager.io/v1/clusterissuers', {
    apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: `issuer-${String(i).padStart(2, '0')}` },
    spec: { acme: { server: 'https://acme.example/directory', privateKeySecretRef: { name: `issuer-${i}-key` }, solvers: [{ http01: { ingress: { ingressClassName: 'contour' } } }] } },
  })), concurrency);
  await pool(ns.map((name) => () => request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })), concurrency);
  // The pull secret exists in every namespace (as TAP's exported registry credentials would), so fix writes ServiceAccounts only.
  await pool(ns.map((name) => () => request('POST', `/api/v1/namespaces/${name}/secrets`, {
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry-credentials', namespace: name }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': dockerConfig },
  })), concurrency);
  const perNs = Math.ceil(certificates / namespaces);
  const certs = [];
  for (let i = 0; i < certificates; i++) {
    const n = Math.floor(i / perNs);
    const name = ns[n];
    // Each namespace uses one issuer: 50 issuers, 40 namespaces each.
    const issuer = `issuer-${String(n % issuers).padStart(2, '0')}`;
    certs.push(() => request('POST', `/apis/cert-manager.io/v1/namespaces/${name}/certificates`, {
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: `cert-${i % perNs}`, namespace: name },
      spec: { secretName: `cert-${i % perNs}-tls`, dnsNames: [`c${i}.example.com`], issuerRef: { name: issuer, kind: 'ClusterIssuer', group: 'cert-manager.io' } },
    }));
  }
  await pool(certs, concurrency);
  return ns;
}
