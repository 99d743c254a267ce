// Reads what a 64-bit Mach-O executable says about itself, and checks its code signature the way
// the macOS kernel checks pages as they are loaded: every page hash in every code directory must be
// the hash of the bytes it covers. Written from Apple's published layouts (mach-o/loader.h and
// the code-signing blob formats in xnu's cs_blobs.h), so it shares no code with the signer.
import { createHash } from 'node:crypto';

const MH_MAGIC_64 = 0xfeedfacf;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSMAGIC_REQUIREMENTS = 0xfade0c01;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_REQUIREMENTS = 2;
const CSSLOT_ALTERNATE_CODEDIRECTORIES = 0x1000;
const CSSLOT_SIGNATURESLOT = 0x10000;
const CS_ADHOC = 0x2;
const HASHES: Record<number, { name: string; size: number }> = {
  1: { name: 'sha1', size: 20 },
  2: { name: 'sha256', size: 32 },
  3: { name: 'sha256', size: 20 }, // truncated sha256
  4: { name: 'sha384', size: 48 },
};

export const CPU_TYPE = { amd64: 0x01000007, arm64: 0x0100000c } as const;

export interface Segment {
  name: string;
  fileoff: number;
  filesize: number;
}

export interface MachO {
  cputype: number;
  segments: Segment[];
  /** LC_CODE_SIGNATURE's range in the file, if the executable has one. */
  signature?: { dataoff: number; datasize: number };
}

export function readMachO(b: Buffer): MachO {
  if (b.length < 32 || b.readUInt32LE(0) !== MH_MAGIC_64) throw new Error('not a 64-bit little-endian Mach-O file (or a universal one)');
  const ncmds = b.readUInt32LE(16);
  const segments: Segment[] = [];
  let signature: MachO['signature'];
  let off = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = b.readUInt32LE(off);
    const size = b.readUInt32LE(off + 4);
    if (size < 8 || off + size > b.length) throw new Error(`load command ${i} runs past the file`);
    if (cmd === LC_SEGMENT_64) {
      segments.push({
        name: b.toString('latin1', off + 8, off + 24).replace(/\0+$/, ''),
        fileoff: Number(b.readBigUInt64LE(off + 40)),
        filesize: Number(b.readBigUInt64LE(off + 48)),
      });
    } else if (cmd === LC_CODE_SIGNATURE) {
      if (signature) throw new Error('two LC_CODE_SIGNATURE load commands');
      signature = { dataoff: b.readUInt32LE(off + 8), datasize: b.readUInt32LE(off + 12) };
    }
    off += size;
  }
  return { cputype: b.readUInt32LE(4), segments, ...(signature ? { signature } : {}) };
}

export interface CodeDirectory {
  identifier: string;
  hash: string;
  pages: number;
  pageSize: number;
  adhoc: boolean;
}

/**
 * Checks the embedded signature against the file; returns each code directory's summary, or
 * throws naming the first mismatch. `requireAdhoc`: no CMS signature, the ad-hoc flag set.
 */
export function checkCodeSignature(b: Buffer, requireAdhoc = true): CodeDirectory[] {
  const m = readMachO(b);
  if (!m.signature) throw new Error('no LC_CODE_SIGNATURE: macOS refuses to run unsigned arm64 code');
  const { dataoff, datasize } = m.signature;
  if (dataoff + datasize > b.length) throw new Error(`the signature (${dataoff}+${datasize}) runs past the end of the file (${b.length})`);
  const linkedit = m.segments.find((s) => s.name === '__LINKEDIT');
  if (!linkedit || dataoff < linkedit.fileoff || dataoff + datasize > linkedit.fileoff + linkedit.filesize) {
    throw new Error('the signature is not inside __LINKEDIT');
  }
  const sb = b.subarray(dataoff, dataoff + datasize);
  if (sb.readUInt32BE(0) !== CSMAGIC_EMBEDDED_SIGNATURE) throw new Error(`signature magic 0x${sb.readUInt32BE(0).toString(16)}, want 0x${CSMAGIC_EMBEDDED_SIGNATURE.toString(16)}`);
  const blob = (offset: number): Buffer => {
    const length = sb.readUInt32BE(offset + 4);
    if (offset + length > sb.length) throw new Error(`a signature blob at ${offset} runs past the signature`);
    return sb.subarray(offset, offset + length);
  };
  const slots = new Map<number, Buffer>();
  const count = sb.readUInt32BE(8);
  for (let i = 0; i < count; i++) slots.set(sb.readUInt32BE(12 + 8 * i), blob(sb.readUInt32BE(16 + 8 * i)));

  const cds = [...slots].filter(([type]) => type === CSSLOT_CODEDIRECTORY || (type >= CSSLOT_ALTERNATE_CODEDIRECTORIES && type < CSSLOT_ALTERNATE_CODEDIRECTORIES + 5));
  if (!cds.some(([type]) => type === CSSLOT_CODEDIRECTORY)) throw new Error('no code directory');
  const cms = slots.get(CSSLOT_SIGNATURESLOT);
  if (requireAdhoc && cms && cms.length > 8) throw new Error(`a CMS signature of ${cms.length} bytes: not ad-hoc`);

  const text = m.segments.find((s) => s.name === '__TEXT');
  return cds.map(([type, cd]) => {
    const where = `code directory in slot 0x${type.toString(16)}`;
    if (cd.readUInt32BE(0) !== CSMAGIC_CODEDIRECTORY) throw new Error(`${where}: bad magic`);
    const version = cd.readUInt32BE(8);
    const flags = cd.readUInt32BE(12);
    const hashOffset = cd.readUInt32BE(16);
    const identOffset = cd.readUInt32BE(20);
    const nSpecial = cd.readUInt32BE(24);
    const nCode = cd.readUInt32BE(28);
    let codeLimit = cd.readUInt32BE(32);
    const hashSize = cd.readUInt8(36);
    const hashType = HASHES[cd.readUInt8(37)];
    const pageSize = 2 ** cd.readUInt8(39);
    if (!hashType || hashType.size !== hashSize) throw new Error(`${where}: hash type ${cd.readUInt8(37)} with ${hashSize}-byte hashes`);
    if (version >= 0x20300 && codeLimit === 0) codeLimit = Number(cd.readBigUInt64BE(56));
    const identifier = cd.toString('utf8', identOffset, cd.indexOf(0, identOffset));
    const adhoc = (flags & CS_ADHOC) !== 0;
    if (requireAdhoc && !adhoc) throw new Error(`${where}: the ad-hoc flag is not set`);
    // Everything before the signature is covered, page by page.
    if (codeLimit !== dataoff) throw new Error(`${where}: covers ${codeLimit} bytes, but the signature starts at ${dataoff}`);
    if (nCode !== Math.ceil(codeLimit / pageSize)) throw new Error(`${where}: ${nCode} page hashes for ${codeLimit} bytes of ${pageSize}-byte pages`);
    const digest = (data: Buffer): Buffer => createHash(hashType.name).update(data).digest().subarray(0, hashSize);
    for (let i = 0; i < nCode; i++) {
      const page = b.subarray(i * pageSize, Math.min((i + 1) * pageSize, codeLimit));
      const want = cd.subarray(hashOffset + i * hashSize, hashOffset + (i + 1) * hashSize);
      if (!digest(page).equals(want)) {
        throw new Error(`${where}: page ${i} (bytes ${i * pageSize}–${i * pageSize + page.length}) does not match its hash`);
      }
    }
    // Special slot -2 holds the hash of the requirements blob; an empty slot must stay empty.
    if (nSpecial >= CSSLOT_REQUIREMENTS) {
      const want = cd.subarray(hashOffset - CSSLOT_REQUIREMENTS * hashSize, hashOffset - (CSSLOT_REQUIREMENTS - 1) * hashSize);
      const req = slots.get(CSSLOT_REQUIREMENTS);
      if (req && req.readUInt32BE(0) !== CSMAGIC_REQUIREMENTS) throw new Error('requirements blob: bad magic');
      const have = req ? digest(req) : Buffer.alloc(hashSize);
      if (!have.equals(want)) throw new Error(`${where}: the requirements hash does not match the requirements blob`);
    }
    // The executable segment the code directory names must lie in __TEXT (Apple's codesign ends
    // it at the end of the code it holds, not of the segment).
    if (version >= 0x20400 && text) {
      const base = Number(cd.readBigUInt64BE(64));
      const limit = Number(cd.readBigUInt64BE(72));
      if (base !== text.fileoff || limit > text.filesize) throw new Error(`${where}: executable segment ${base}+${limit} is not within __TEXT (${text.fileoff}+${text.filesize})`);
    }
    return { identifier, hash: hashType.name + (hashSize === 20 && hashType.name === 'sha256' ? '-truncated' : ''), pages: nCode, pageSize, adhoc };
  });
}
