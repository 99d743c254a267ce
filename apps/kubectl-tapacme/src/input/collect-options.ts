import type { ParsedArgs } from '../args.js';
import type { CollectOptions } from './collect-inputs.js';
import { DEFAULT_MAX_INPUT_SIZE, parseSize } from './input-size.js';
import { MAX_INPUT_SIZE } from './read-limited.js';
import { readStdin } from './read-stdin.js';

/** How the input flags (-R, --max-input-size) read files and stdin. */
export function collectOptions(args: ParsedArgs): CollectOptions {
  const raw = args.string('max-input-size');
  return {
    recursive: args.bool('recursive'),
    readStdin,
    maxInputSize: raw === undefined ? DEFAULT_MAX_INPUT_SIZE : parseSize(raw, '--max-input-size', MAX_INPUT_SIZE),
  };
}
