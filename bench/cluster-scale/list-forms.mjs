// Which list form to read where: the full objects, metadata only (PartialObjectMetadataList) or the
// Table form, for Ingresses, namespaces and Certificates of a seeded cluster. Prints bytes and time
// per form (median of 3, whole lists in pages of 10,000) and whether each form carries what the scan reads.
//   node list-forms.mjs KUBECONFIG   (a cluster left up by BENCH_KEEP=1 or BENCH_SEED_ONLY=1); LIST_KINDS=ingresses,namespaces picks kinds
import https from 'node:https';
import { loadavg } from 'node:os';
import { adminAgent } from './seed.mjs';

const { agent, server } = adminAgent(process.argv[2] ?? process.env.KUBECONFIG);

const FORMS = {
  full: 'application/json',
  metadata: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
  table: 'application/json;as=Table;g=meta.k8s.io;v=v1,application/json',
};

const get = (path, accept) => new Promise((resolve, reject) => {
  https.get({ host: server.hostname, port: server.port, path, agent, headers: { Accept: accept } }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c)).on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`${path}: ${res.statusCode}`))));
  }).on('error', reject);
});

async function listAll(base, accept) {
  let cont = '';
  let bytes = 0;
  let first;
  do {
    const text = await get(`${base}?limit=10000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`, accept);
    bytes += text.length;
    const page = JSON.parse(text);
    first ??= (page.items ?? page.rows ?? [])[0];
    cont = page.metadata?.continue ?? '';
  } while (cont);
  return { bytes, first };
}

const carries = {
  ingresses: (o) => !!(o?.metadata?.annotations ?? o?.object?.metadata?.annotations)?.['cert-manager.io/cluster-issuer'],
  namespaces: (o) => !!(o?.metadata?.name ?? o?.object?.metadata?.name),
  certificates: (o) => !!o?.spec?.issuerRef?.kind,
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`list forms (load ${loadavg()[0].toFixed(2)})`);
const kinds = [['ingresses', '/apis/networking.k8s.io/v1/ingresses'], ['namespaces', '/api/v1/namespaces'], ['certificates', '/apis/cert-manager.io/v1/certificates']].filter(([k]) => !process.env.LIST_KINDS || process.env.LIST_KINDS.split(',').includes(k));
for (const [name, base] of kinds) {
  for (const [form, accept] of Object.entries(FORMS)) {
    const times = [];
    let r;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      r = await listAll(base, accept);
      times.push(performance.now() - t);
    }
    console.log(`  ${name.padEnd(12)} ${form.padEnd(8)} ${(r.bytes / 1e6).toFixed(1).padStart(6)} MB ${median(times).toFixed(0).padStart(6)} ms  carries what the scan reads: ${carries[name](r.first) ? 'yes' : 'no'} (load ${loadavg()[0].toFixed(2)})`);
  }
}
agent.destroy();
