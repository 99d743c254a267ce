// The baseline process: read the file and parse it with yaml, nothing else.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const docs = parseAllDocuments(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(`${docs.length}\n`);
