// One measured run in a fresh process, so peak RSS belongs to one side only.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { analyze } from '@tapacme/core';

const [mode, file] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const start = process.hrtime.bigint();
let count;
if (mode === 'parse') count = parseAllDocuments(text).length;
else count = analyze(text, { fileName: file }).findings.length;
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ mode, ms, count, rssMb: process.resourceUsage().maxRSS / 1024 }));
