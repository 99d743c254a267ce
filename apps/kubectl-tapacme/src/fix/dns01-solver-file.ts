import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ParsedFile, validateDns01Block } from '@tapacme/core';
import { isUrl, readMessage } from '../input/collect-inputs.js';
import { decodeText } from '../input/decode.js';
import { readLimited } from '../input/read-limited.js';
import type { LimitedRead } from '../input/read-limited.js';

export interface Dns01FileResult {
  block?: Record<string, unknown>;
  /** Problems with the file, each with the line to look at (null when it could not be read). */
  errors: { file: string; line: number | null; message: string }[];
}

/** A dns01 block is a few lines; a file much larger is the wrong file. */
const SOLVER_FILE_LIMIT = 1024 * 1024;

const EXAMPLE = 'for example "route53:\\n  region: eu-west-1"';

/**
 * Read `--dns01-solver FILE`: the content of a dns01 block (a wrapping `dns01:` key is accepted too),
 * validated against the CRD schema of the cert-manager version (unknown or misspelled fields such as
 * hostedZoneId) and as its webhook would, with each problem on its line, before anything is written.
 */
export async function readDns01SolverFile(path: string, certManagerVersion?: string): Promise<Dns01FileResult> {
  const fail = (message: string, line: number | null = null): Dns01FileResult => ({ errors: [{ file: path, line, message }] });
  if (isUrl(path)) return fail('is a URL: --dns01-solver reads a local file; download it first, e.g. curl -fsSLo dns01.yaml URL');
  let read: LimitedRead;
  try {
    if ((await stat(path)).isDirectory()) return fail(`is a directory: --dns01-solver takes a YAML file with the dns01 block's content; ${EXAMPLE}`);
    read = await readLimited(createReadStream(path), SOLVER_FILE_LIMIT, '--dns01-solver takes a small YAML file with the dns01 block\'s content');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file; check the path given to --dns01-solver' : readMessage(e));
  }
  if ('problem' in read) return fail(read.problem, read.line ?? null);
  const decoded = decodeText(read.bytes);
  if ('message' in decoded) return fail(`${decoded.message}; --dns01-solver takes a YAML file`, decoded.line);
  const text = decoded.text;
  const file = new ParsedFile(path, text);
  if (file.errors.length > 0) return { errors: file.errors.map((e) => ({ file: path, line: e.line, message: e.message })) };
  const docs = file.docs.filter((d) => d.contents !== null);
  if (docs.length !== 1) {
    return { errors: [{ file: path, line: 1, message: `--dns01-solver takes one YAML document with the dns01 block's content, found ${docs.length}; ${EXAMPLE}` }] };
  }
  const docIndex = file.docs.indexOf(docs[0] as (typeof file.docs)[number]);
  let value = (docs[0]?.toJS({ maxAliasCount: 10_000 }) as unknown) ?? null;
  let prefix: string[] = [];
  if (isObj(value) && Object.keys(value).length === 1 && isObj(value['dns01'])) {
    value = value['dns01'];
    prefix = ['dns01'];
  }
  if (!isObj(value)) return { errors: [{ file: path, line: 1, message: `--dns01-solver must hold a mapping, the dns01 block's content; ${EXAMPLE}` }] };
  const problems = validateDns01Block(value, certManagerVersion);
  if (problems.length > 0) {
    return {
      errors: problems.map((p) => {
        const range = file.locate(docIndex, [...prefix, ...p.path], 'key');
        return { file: path, line: range ? range.start.line + 1 : 1, message: `dns01${p.path.length > 0 ? `.${p.path.join('.')}` : ''}: ${p.message}` };
      }),
    };
  }
  return { block: value, errors: [] };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
