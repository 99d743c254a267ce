import type { Finding } from '../service/finding.js';
import type { TextEdit } from '../text/text-edit.js';

/** Why a fix left something alone; `reason` says it in words, with what to do. */
export type SkipCode =
  /** The finding's solver is no longer where the finding says: analyse the file again. */
  | 'solver-moved'
  /** The solver's http01 entry has no place in the text to replace. */
  | 'http01-entry-not-found'
  /** The dns01 block given fails cert-manager's validation. */
  | 'dns01-block-invalid'
  /** The solver has a dns01 entry beside http01 already (invalid); converting would write a second. */
  | 'solver-has-dns01'
  /** Removing the http01 entry would leave an alias to an anchor in it. */
  | 'anchor-still-used'
  /** The http01 entry holds ytt annotations, which a rewrite would break. */
  | 'ytt-annotations'
  /** The field to set is already set to something else, or a value on its path is not a mapping. */
  | 'value-conflict'
  /** The mapping to edit has a layout the fix does not write into. */
  | 'layout-unsupported'
  /** A JSON file cannot take the extra documents asked for. */
  | 'json-cannot-append'
  /** The ServiceAccount is no longer where the finding says: analyse the file again. */
  | 'service-account-moved'
  /** The value to edit is written through an alias or merge key: the anchored value must change. */
  | 'through-alias'
  /** A podTemplate.serviceAccountName written without spec cannot be moved by a text edit here. */
  | 'stray-key-not-movable'
  /** The cert-manager version asked for does not serve the field the fix would write (gatewayHTTPRoute.podTemplate before 1.16). */
  | 'field-not-served';

/** Something a fix left alone: for a finding, or (without one) for the whole file. */
export interface SkippedFix {
  code: SkipCode;
  reason: string;
  finding?: Finding;
}

/** Edits for one file, and what a strategy could not fix, with the reason. */
export interface FixOutcome {
  edits: TextEdit[];
  skipped: SkippedFix[];
}
