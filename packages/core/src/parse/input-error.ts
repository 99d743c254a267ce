import type { Range } from '../text/source-text.js';

/** Why a file (or part of it) could not be read as manifests. Lines are 0-based in range, 1-based in `line`. */
export interface InputError {
  fileName: string;
  line: number;
  message: string;
  range?: Range;
  code: InputErrorCode;
}

/**
 * What went wrong: 'template' for Helm/Jinja/Go templates, 'syntax' for YAML errors, 'nesting' for
 * YAML nested too deep to read, 'conversion' for a well-formed document that cannot become a value
 * (too many aliases, say), 'read' for I/O.
 */
export type InputErrorCode = 'template' | 'syntax' | 'nesting' | 'conversion' | 'read' | 'object';
