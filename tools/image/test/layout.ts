// Reads the OCI layout of `pnpm release:image` on its own, without the code that wrote it, for
// scripts/test-image.sh: the index's platforms and labels, each blob's digest, the layers
// unpacked into a folder, the SBOMs and the pinned Deployment. Exits 1 with the reason when a
// check fails.
//
//   node tools/image/test/layout.ts index LAYOUT VERSION
//   node tools/image/test/layout.ts unpack LAYOUT OS/ARCH DIR
//   node tools/image/test/layout.ts sbom LAYOUT OS/ARCH SBOM ROOTFS
//   node tools/image/test/layout.ts deployment LAYOUT DEPLOYMENT.yaml REPOSITORY
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from '../../../apps/kubectl-tapacme/node_modules/yaml/dist/index.js';

interface Descriptor { mediaType: string; digest: string; size: number; platform?: { os: string; architecture: string; variant?: string }; annotations?: Record<string, string> }
interface Index { mediaType: string; manifests: Descriptor[]; annotations?: Record<string, string> }
interface Manifest { mediaType: string; config: Descriptor; layers: Descriptor[]; annotations?: Record<string, string> }
interface Config { os: string; architecture: string; variant?: string; config: { User?: string; Entrypoint?: string[]; Labels?: Record<string, string>; Env?: string[] } }

const LABELS = ['org.opencontainers.image.source', 'org.opencontainers.image.version', 'org.opencontainers.image.licenses', 'org.opencontainers.image.created'];
const PLATFORMS = ['linux/amd64', 'linux/arm64'];

function fail(msg: string): never {
  console.error(`not as expected: ${msg}`);
  process.exit(1);
}

/** A blob, checked against its digest and size. */
function blob(layout: string, d: Pick<Descriptor, 'digest'> & Partial<Descriptor>): Buffer {
  const [alg, hex] = d.digest.split(':');
  if (alg !== 'sha256' || !hex) fail(`digest ${d.digest}`);
  const data = readFileSync(join(layout, 'blobs', alg, hex));
  const got = createHash('sha256').update(data).digest('hex');
  if (got !== hex) fail(`blob ${d.digest} has sha256 ${got}`);
  if (d.size !== undefined && d.size !== data.length) fail(`blob ${d.digest} is ${data.length} bytes, its descriptor says ${d.size}`);
  return data;
}
const json = <T>(layout: string, d: Descriptor): T => JSON.parse(blob(layout, d).toString('utf8')) as T;

function topIndex(layout: string): { desc: Descriptor; index: Index } {
  const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as Index;
  if (top.manifests.length !== 1) fail(`index.json lists ${top.manifests.length} entries, want 1`);
  const desc = top.manifests[0]!;
  if (desc.mediaType !== 'application/vnd.oci.image.index.v1+json') fail(`index.json names a ${desc.mediaType}, want an OCI image index`);
  return { desc, index: json<Index>(layout, desc) };
}

function platformImage(layout: string, platform: string): { desc: Descriptor; manifest: Manifest; config: Config } {
  const { index } = topIndex(layout);
  const desc = index.manifests.find((m) => `${m.platform?.os}/${m.platform?.architecture}` === platform);
  if (!desc) fail(`the index has no ${platform} image`);
  const manifest = json<Manifest>(layout, desc);
  return { desc, manifest, config: json<Config>(layout, manifest.config) };
}

function checkIndex(layout: string, version: string): void {
  const { desc, index } = topIndex(layout);
  if (desc.annotations?.['org.opencontainers.image.ref.name'] !== version) fail(`the layout names the index ${desc.annotations?.['org.opencontainers.image.ref.name']}, want ${version}`);
  const platforms = index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}${m.platform?.variant ? `/${m.platform.variant}` : ''}`).sort();
  if (JSON.stringify(platforms) !== JSON.stringify(['linux/amd64', 'linux/arm64/v8'])) fail(`platforms ${platforms.join(', ')}, want linux/amd64 and linux/arm64/v8`);
  const labelsOk = (where: string, l: Record<string, string> | undefined): void => {
    for (const k of LABELS) if (!l?.[k]) fail(`${where} has no ${k}`);
    if (l?.['org.opencontainers.image.version'] !== version) fail(`${where}: version ${l?.['org.opencontainers.image.version']}, want ${version}`);
  };
  labelsOk('the index annotations', index.annotations);
  for (const p of PLATFORMS) {
    const { manifest, config } = platformImage(layout, p);
    labelsOk(`${p} config labels`, config.config.Labels);
    labelsOk(`${p} manifest annotations`, manifest.annotations);
    if (`${config.os}/${config.architecture}` !== p) fail(`${p} config says ${config.os}/${config.architecture}`);
    if (config.config.User !== '65532:65532') fail(`${p} runs as ${config.config.User}, want 65532:65532`);
    if (JSON.stringify(config.config.Entrypoint) !== '["/usr/local/bin/kubectl-tapacme"]') fail(`${p} entrypoint ${JSON.stringify(config.config.Entrypoint)}`);
    let bytes = 0;
    for (const l of manifest.layers) bytes += blob(layout, l).length; // every layer's digest checked
    console.log(`${p}: ${manifest.layers.length} layers, ${(bytes / 2 ** 20).toFixed(1)} MiB compressed, user ${config.config.User}`);
  }
  console.log(`index ${desc.digest}: ${platforms.join(', ')}; ${LABELS.map((k) => `${k.split('.').pop()}=${index.annotations?.[k]}`).join(' ')}`);
}

function unpack(layout: string, platform: string, dir: string): void {
  const { manifest } = platformImage(layout, platform);
  for (const l of manifest.layers) {
    if (l.mediaType !== 'application/vnd.oci.image.layer.v1.tar+gzip') fail(`layer ${l.digest} is ${l.mediaType}`);
    blob(layout, l);
    const [alg, hex] = l.digest.split(':');
    const r = spawnSync('tar', ['-xzf', join(layout, 'blobs', alg!, hex!), '-C', dir, '--same-owner', '--same-permissions'], { stdio: 'inherit' });
    if (r.status !== 0) fail(`tar -xzf ${l.digest} exited ${r.status}`);
  }
}

interface SpdxPackage { name: string; SPDXID: string; versionInfo?: string; licenseDeclared?: string; checksums?: { algorithm: string; checksumValue: string }[]; externalRefs?: { referenceType: string; referenceLocator: string }[] }

function checkSbom(layout: string, platform: string, file: string, rootfs: string): void {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { spdxVersion: string; packages: SpdxPackage[]; relationships: { relationshipType: string }[] };
  if (doc.spdxVersion !== 'SPDX-2.3') fail(`${file}: ${doc.spdxVersion}`);
  const arch = platform.split('/')[1]!;
  const { desc } = platformImage(layout, platform);
  const image = doc.packages.find((p) => p.SPDXID.startsWith('SPDXRef-Image-'));
  if (image?.checksums?.[0]?.checksumValue !== desc.digest.replace('sha256:', '')) fail(`${file}: the image package's checksum is not the ${platform} manifest's digest ${desc.digest}`);
  for (const name of ['libc6', 'libstdc++6', 'libgcc-s1', 'ca-certificates']) {
    const p = doc.packages.find((x) => x.name === name && x.SPDXID.startsWith('SPDXRef-DebianPackage-'));
    const status = readFileSync(join(rootfs, 'var/lib/dpkg/status.d', name), 'utf8');
    const version = /^Version: (.+)$/m.exec(status)?.[1];
    const pkgArch = /^Architecture: (.+)$/m.exec(status)?.[1];
    if (!p || !version || p.versionInfo !== version) fail(`${file}: ${name} ${p?.versionInfo}, the root filesystem has ${version}`);
    const purl = p.externalRefs?.find((r) => r.referenceType === 'purl')?.referenceLocator ?? '';
    if (!purl.startsWith(`pkg:deb/debian/${name}@`) || !purl.includes(`arch=${pkgArch}`) || (pkgArch !== 'all' && pkgArch !== arch)) fail(`${file}: ${name} purl ${purl} (package architecture ${pkgArch}, image ${arch})`);
  }
  const node = doc.packages.find((p) => p.name === 'node');
  if (!node?.versionInfo || node.licenseDeclared !== 'MIT') fail(`${file}: no Node.js package with its version and licence`);
  for (const npm of ['yaml', '@kubernetes/client-node', 'yargs', '@tapacme/core']) {
    const p = doc.packages.find((x) => x.name === npm);
    if (!p?.versionInfo || !p.licenseDeclared || p.licenseDeclared === 'NOASSERTION') fail(`${file}: bundled package ${npm} missing, or without version or licence`);
  }
  // The same document, attached as an OCI artifact whose subject is this platform's image.
  const arts = join(dirname(file), 'oci');
  const artIndex = JSON.parse(readFileSync(join(arts, 'index.json'), 'utf8')) as Index;
  const attached = artIndex.manifests.map((d) => json<Manifest & { artifactType?: string; subject?: Descriptor }>(arts, d)).filter((m) => m.subject?.digest === desc.digest);
  if (attached.length !== 1 || attached[0]!.artifactType !== 'application/spdx+json') fail(`${arts}: ${attached.length} SPDX artifacts name ${desc.digest} as subject, want 1`);
  if (!blob(arts, attached[0]!.layers[0]!).equals(readFileSync(file))) fail(`${arts}: the artifact's SPDX blob is not ${file}`);
  if (blob(arts, attached[0]!.config).toString() !== '{}') fail(`${arts}: the artifact's config is not the empty JSON object`);
  const contains = doc.relationships.filter((r) => r.relationshipType === 'CONTAINS').length;
  if (contains !== doc.packages.length - 1) fail(`${file}: ${contains} CONTAINS relationships for ${doc.packages.length - 1} packages`);
  console.log(`${platform}: ${doc.packages.length - 1} packages (${doc.packages.filter((p) => p.SPDXID.startsWith('SPDXRef-DebianPackage-')).map((p) => `${p.name} ${p.versionInfo}`).join(', ')}; node ${node.versionInfo})`);
}

function checkDeployment(layout: string, file: string, repository: string): void {
  const { desc } = topIndex(layout);
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as { kind: string; spec?: { template: { spec: { securityContext: Record<string, unknown>; containers: { image: string; securityContext: Record<string, unknown> }[] } } } });
  const dep = docs.find((d) => d.kind === 'Deployment');
  const spec = dep?.spec?.template.spec;
  const c = spec?.containers[0];
  if (c?.image !== `${repository}@${desc.digest}`) fail(`${file}: image ${c?.image}, want ${repository}@${desc.digest}`);
  const { config } = platformImage(layout, 'linux/amd64');
  const [uid, gid] = (config.config.User ?? '').split(':').map(Number);
  if (spec?.securityContext['runAsUser'] !== uid || spec?.securityContext['runAsGroup'] !== gid || spec?.securityContext['runAsNonRoot'] !== true) fail(`${file}: pod securityContext ${JSON.stringify(spec?.securityContext)}, the image's user is ${config.config.User}`);
  if (c.securityContext['readOnlyRootFilesystem'] !== true) fail(`${file}: the root filesystem is not read-only`);
  console.log(`${c.image}, runAsUser ${uid}, readOnlyRootFilesystem`);
}

const [cmd, ...a] = process.argv.slice(2);
if (cmd === 'index' && a.length === 2) checkIndex(a[0]!, a[1]!);
else if (cmd === 'unpack' && a.length === 3) unpack(a[0]!, a[1]!, a[2]!);
else if (cmd === 'sbom' && a.length === 4) checkSbom(a[0]!, a[1]!, a[2]!, a[3]!);
else if (cmd === 'deployment' && a.length === 3) checkDeployment(a[0]!, a[1]!, a[2]!);
else fail(`usage: layout.ts index|unpack|sbom|deployment … (got ${process.argv.slice(2).join(' ')})`);
