import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLimited } from '../src/input/read-limited.js';

describe('readLimited', () => {
  it('reads every chunk, bytes and strings alike', async () => {
    const r = await readLimited(Readable.from([Buffer.from('a: 1\n'), 'b: é\n']), 100, 'raise it');
    expect('bytes' in r && r.bytes.toString('utf8')).toBe('a: 1\nb: é\n');
  });

  it('stops at the limit, and takes input exactly as long as it', async () => {
    const over = await readLimited(Readable.from([Buffer.alloc(6, 'x'), Buffer.alloc(6, 'x')]), 10, 'raise it');
    expect('problem' in over && over.problem).toMatch(/size limit.*raise it/);
    const at = await readLimited(Readable.from([Buffer.alloc(6, 'x'), Buffer.alloc(4, 'x')]), 10, 'raise it');
    expect('bytes' in at && at.bytes.length).toBe(10);
  });
});
