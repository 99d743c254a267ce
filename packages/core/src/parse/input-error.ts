import type { Range } from '../text/source-text.js';

/** Why a file (or part of it) could not be read as manifests. Lines are 0-based in range, 1-based in `line`. */
export interface InputError {
  fileName: string;
  line: number;
  message: string;
  range?: Range;
  /** 'template' for Helm/Jinja/Go templates, 'syntax' for YAML errors, 'read' for I/O. */
  code: 'template' | 'syntax' | 'read' | 'object';
}
