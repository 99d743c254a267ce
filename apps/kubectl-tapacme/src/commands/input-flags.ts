import type { FlagSpec } from './command.js';

/** kubectl's file-input flags, shared by check and fix. */
export const inputFlags: readonly FlagSpec[] = [
  { name: 'filename', short: 'f', type: 'strings', placeholder: 'PATH', describe: 'file or directory with manifests, or - for stdin; repeatable', complete: 'manifest-file' },
  { name: 'recursive', short: 'R', type: 'boolean', describe: 'descend into subdirectories of the directories given (not into symlinked ones, as kubectl)' },
  { name: 'max-input-size', type: 'string', placeholder: 'SIZE', defaultValue: '128Mi', describe: 'refuse a file or stream larger than this (e.g. 512Mi); reading stops there' },
];

export const manifestPositional = {
  name: 'paths',
  describe: 'files (.yaml, .yml, .json) or directories to read; - reads stdin',
  complete: 'manifest-file',
} as const;
