import * as vscode from 'vscode';
import { configFrom } from '../logic/config.js';
import type { ExtensionConfig } from '../logic/config.js';

export const SECTION = 'tapacme';

/** Every `tapacme.*` setting is read here, for the document's own folder (settings are resource-scoped). */
export function readConfig(scope?: vscode.Uri): ExtensionConfig {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return configFrom((key) => c.get(key));
}
