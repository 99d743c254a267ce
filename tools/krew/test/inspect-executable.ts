// Checks a built single executable we cannot run here (macOS, Windows) as far as its bytes tell:
// the right format and CPU, the SEA fuse flipped by postject, the blob present, and the signature:
// on macOS an ad-hoc one whose page hashes match the file (recomputed here, not taken from the
// signer; macOS kills binaries whose signature does not match, and refuses unsigned arm64 code),
// on Windows none left over from Node's build.
//   node tools/krew/test/inspect-executable.ts <file> <linux|darwin|windows> <amd64|arm64>
import { readFileSync } from 'node:fs';
import { checkCodeSignature, CPU_TYPE, readMachO } from '../lib/macho.ts';

const [file, os, arch] = process.argv.slice(2);
if (!file || !os || !arch) {
  console.error('usage: inspect-executable.ts <file> <os> <arch>');
  process.exit(2);
}
const b = readFileSync(file);
const problems: string[] = [];
const facts: string[] = [];

// postject flips the fuse's last character from 0 to 1; Node only looks for a blob when it is 1.
const fuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
if (b.includes(`${fuse}:1`)) facts.push('SEA fuse set');
else problems.push('SEA fuse not set (blob not injected)');

if (os === 'linux') {
  if (b.readUInt32BE(0) !== 0x7f454c46) problems.push('not an ELF file');
  const machine = b.readUInt16LE(18);
  const want = arch === 'amd64' ? 0x3e : 0xb7;
  if (machine !== want) problems.push(`ELF machine 0x${machine.toString(16)}, want 0x${want.toString(16)}`);
  else facts.push(`ELF ${arch}`);
} else if (os === 'darwin') {
  try {
    const m = readMachO(b);
    const want = arch === 'amd64' || arch === 'arm64' ? CPU_TYPE[arch] : undefined;
    if (m.cputype !== want) problems.push(`Mach-O cputype 0x${m.cputype.toString(16)}, want ${arch}`);
    else facts.push(`Mach-O ${arch}`);
    if (m.segments.some((s) => s.name === 'NODE_SEA')) facts.push('NODE_SEA segment');
    else problems.push('no NODE_SEA segment');
    for (const cd of checkCodeSignature(b)) {
      facts.push(`ad-hoc signature "${cd.identifier}": ${cd.pages} ${cd.hash} page hashes of ${cd.pageSize} bytes match the file`);
    }
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  }
} else if (os === 'windows') {
  if (b.toString('latin1', 0, 2) !== 'MZ') problems.push('not a PE file');
  const pe = b.readUInt32LE(0x3c);
  if (b.toString('latin1', pe, pe + 4) !== 'PE\0\0') problems.push('no PE signature');
  const machine = b.readUInt16LE(pe + 4);
  if (machine !== (arch === 'amd64' ? 0x8664 : 0xaa64)) problems.push(`PE machine 0x${machine.toString(16)}`);
  const opt = pe + 24;
  if (b.readUInt16LE(opt) !== 0x20b) problems.push('not PE32+');
  const certSize = b.readUInt32LE(opt + 112 + 4 * 8 + 4);
  if (certSize !== 0) problems.push(`Authenticode certificate table still present (${certSize} bytes)`);
  else facts.push(`PE32+ ${arch}, no Authenticode signature`);
  if (!b.includes(Buffer.from('NODE_SEA_BLOB', 'utf16le'))) problems.push('no NODE_SEA_BLOB resource');
} else {
  problems.push(`unknown os ${os}`);
}

for (const f of facts) console.log(`${file}: ${f}`);
for (const p of problems) console.error(`${file}: ${p}`);
process.exit(problems.length ? 1 : 0);
