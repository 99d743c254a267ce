// Where the API server serves a large list from, and what each page costs: every page of a list of
// Certificates timed (first byte and whole), for each way of asking, with the API server's own counters
// of lists served from its watch cache (apiserver_cache_list_total) and from etcd
// (apiserver_storage_list_total) read before and after, so "cache" or "etcd" is measured, not assumed.
//   node list-pages.mjs KUBECONFIG   (a cluster left up by BENCH_KEEP=1 or BENCH_SEED_ONLY=1)
//   LIST_PATH=/apis/cert-manager.io/v1/certificates LIST_LIMITS=10000,25000 LIST_MODES=consistent,notOlderThan,rv0
import https from 'node:https';
import { loadavg } from 'node:os';
import { adminAgent } from './seed.mjs';

const { agent, server } = adminAgent(process.argv[2] ?? process.env.KUBECONFIG);
const path = process.env.LIST_PATH ?? '/apis/cert-manager.io/v1/certificates';
const limits = (process.env.LIST_LIMITS ?? '10000,25000').split(',').map(Number);
const modes = (process.env.LIST_MODES ?? 'consistent,notOlderThan,rv0').split(',');
const load = () => loadavg()[0].toFixed(2);

/** One GET: time to the first byte, to the last, and the body (bytes counted, text kept for the token). */
const get = (p, accept = 'application/json') => new Promise((resolve, reject) => {
  const t0 = performance.now();
  https.get({ host: server.hostname, port: server.port, path: p, agent, headers: { Accept: accept } }, (res) => {
    let first;
    const chunks = [];
    res.on('data', (c) => {
      first ??= performance.now() - t0;
      chunks.push(c);
    }).on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (res.statusCode !== 200) reject(new Error(`${p}: ${res.statusCode} ${text.slice(0, 300)}`));
      else resolve({ text, firstMs: first ?? 0, ms: performance.now() - t0 });
    });
  }).on('error', reject);
});

/** The API server's list counters for this resource: served from the watch cache, and from etcd. */
async function counters() {
  const { text } = await get('/metrics', 'text/plain');
  const resource = path.split('/').pop();
  const sum = (name) => text.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes(`resource="${resource}"`) || (l.startsWith(`${name}{`) && l.includes(`/${resource}"`))).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
  return { cache: sum('apiserver_cache_list_total'), etcd: sum('apiserver_storage_list_total') };
}

async function listAll(limit, mode) {
  const pages = [];
  let cont = '';
  let rv = '';
  if (mode === 'notOlderThan') {
    // The newest resourceVersion the server has seen: a one-item list (itself served by the cache).
    rv = JSON.parse((await get(`${path}?limit=1`)).text).metadata.resourceVersion;
  }
  do {
    const q = new URLSearchParams();
    if (limit > 0) q.set('limit', String(limit));
    if (cont) q.set('continue', cont);
    else if (mode === 'notOlderThan') {
      q.set('resourceVersion', rv);
      q.set('resourceVersionMatch', 'NotOlderThan');
    } else if (mode === 'rv0') q.set('resourceVersion', '0');
    const r = await get(`${path}?${q}`);
    const list = JSON.parse(r.text);
    pages.push({ items: list.items.length, mb: r.text.length / 1e6, firstMs: r.firstMs, ms: r.ms });
    cont = list.metadata?.continue ?? '';
  } while (cont);
  return pages;
}

console.log(`list pages of ${path} (load ${load()}; the counters are the server's own, so its background lists, such as the cache consistency check, count too)`);
for (const mode of modes) {
  for (const limit of limits) {
    const before = await counters();
    const t = performance.now();
    const pages = await listAll(limit, mode);
    const total = performance.now() - t;
    const after = await counters();
    const items = pages.reduce((n, p) => n + p.items, 0);
    console.log(`  ${mode.padEnd(12)} limit ${String(limit).padStart(6)}: ${items} items in ${pages.length} pages, ${(total / 1000).toFixed(2)} s; from cache ${after.cache - before.cache}, from etcd ${after.etcd - before.etcd} (load ${load()})`);
    console.log(`    pages (first byte / whole, s): ${pages.map((p) => `${(p.firstMs / 1000).toFixed(2)}/${(p.ms / 1000).toFixed(2)}`).join('  ')}`);
  }
}
agent.destroy();
