// The krew plugin manifest (plugins/tapacme.yaml), written as text so its layout is the one
// reviewers of krew-index expect; krew's own validator checks it in scripts/test-krew.sh.
import type { Arch, Os } from './targets.ts';

export const PLUGIN = 'tapacme';
export const HOMEPAGE = 'https://github.com/tapacme/tapacme';
export const SHORT_DESCRIPTION = 'Fix ACME solver Pods that cannot pull their image';

/** Paragraphs; wrapped at 80 columns (indentation included) when rendered. */
const DESCRIPTION = [
  'Finds cert-manager ACME HTTP01 solvers whose Pod cannot pull its image from a ' +
    'private registry, as on Tanzu Application Platform, and fixes them: each solver ' +
    'gets a ServiceAccount with the image pull secret it needs, or the Issuer ' +
    'switches to a DNS01 solver.',
  'It checks and fixes manifest files offline, before they reach a cluster, and ' +
    'reports in text, JSON or SARIF for CI.',
];

export interface ManifestPlatform {
  os: Os;
  arch: Arch;
  uri: string;
  sha256: string;
  bin: string;
  /** Oldest OS release the build runs on, stated in the caveats. */
  minOs?: string;
}

/** Greedy word wrap of paragraphs, with an empty line between them. */
export function wrap(paragraphs: readonly string[], width: number): string[] {
  const lines: string[] = [];
  for (const para of paragraphs) {
    if (lines.length) lines.push('');
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** `minMacOs`: the oldest macOS the darwin builds run on; undefined when there are none. */
export function caveats(version: string, minMacOs?: string): string[] {
  const store = `store/${PLUGIN}/${version}`;
  return [
    'The plugin is a self-contained executable with its own Node.js runtime; it',
    'needs no Node.js on your machine.',
    '',
    'Completion of `kubectl tapacme <TAB>` (kubectl 1.26 or later) needs',
    'kubectl_complete-tapacme on your PATH, and krew links only the plugin',
    'itself. Copy it once; it calls kubectl-tapacme, so upgrades keep it working:',
    '  dir="${KREW_ROOT:-$HOME/.krew}"',
    `  cp "$dir/${store}/kubectl_complete-tapacme" "$dir/bin/"`,
    'On Windows (cmd):',
    '  cd /d "%USERPROFILE%\\.krew"',
    `  copy ${store.replaceAll('/', '\\')}\\kubectl_complete-tapacme.cmd bin\\`,
    ...(minMacOs
      ? [
          '',
          `macOS: needs macOS ${minMacOs} or later (as Node.js 24 does). Apple Silicon and`,
          'Intel Macs each get a native build, ad-hoc signed. krew downloads without',
          'the quarantine attribute; if you unpack a release archive that a browser',
          'downloaded, clear it once or macOS refuses to open the file:',
          '  xattr -d com.apple.quarantine kubectl-tapacme',
        ]
      : []),
    '',
    'Windows: the .exe is not Authenticode-signed; SmartScreen or your antivirus',
    'may ask before the first run.',
  ];
}

/** A block scalar's lines; prose is kept within 80 columns, indentation included. */
function block(lines: string[], indent: string): string {
  const text = lines.map((l) => (l ? `${indent}${l}` : ''));
  const long = text.find((l) => l.length > 80);
  if (long !== undefined) throw new Error(`manifest line longer than 80 columns: ${long}`);
  return text.join('\n');
}

/** The macOS release every darwin build runs on (they share one Node.js version). */
function macosFloor(platforms: ManifestPlatform[]): string | undefined {
  const darwin = platforms.filter((p) => p.os === 'darwin');
  if (!darwin.length) return undefined;
  const floors = new Set(darwin.map((p) => p.minOs));
  const [floor] = floors;
  if (floors.size > 1 || !floor) throw new Error(`the darwin builds must name one oldest macOS release (minOs in lib/targets.ts), not ${[...floors].join(', ')}`);
  return floor;
}

export function renderManifest(version: string, platforms: ManifestPlatform[]): string {
  if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`version ${version} is not v<semver>`);
  if (SHORT_DESCRIPTION.length > 50) throw new Error('shortDescription is longer than 50 characters');
  const seen = new Set<string>();
  const out = [
    'apiVersion: krew.googlecontainertools.github.com/v1alpha2',
    'kind: Plugin',
    'metadata:',
    `  name: ${PLUGIN}`,
    'spec:',
    `  version: ${version}`,
    `  homepage: ${HOMEPAGE}`,
    `  shortDescription: ${SHORT_DESCRIPTION}`,
    '  description: |',
    block(wrap(DESCRIPTION, 80 - 4), '    '),
    '  caveats: |',
    block(caveats(version, macosFloor(platforms)), '    '),
    '  platforms:',
  ];
  for (const p of platforms) {
    const key = `${p.os}/${p.arch}`;
    if (seen.has(key)) throw new Error(`two platforms match ${key}`);
    seen.add(key);
    if (!/^[0-9a-f]{64}$/.test(p.sha256)) throw new Error(`${key}: sha256 ${p.sha256} is not 64 lowercase hex digits`);
    out.push(
      '  - selector:',
      '      matchLabels:',
      `        os: ${p.os}`,
      `        arch: ${p.arch}`,
      `    uri: ${p.uri}`,
      `    sha256: ${p.sha256}`,
      `    bin: ${p.bin}`,
    );
  }
  return `${out.join('\n')}\n`;
}
