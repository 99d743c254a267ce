import { checkCommand } from './check.js';
import type { CommandSpec } from './command.js';
import { completionCommand } from './completion.js';
import { fixCommand } from './fix.js';
import { rbacCommand } from './rbac.js';
import { scanCommand } from './scan.js';
import { versionCommand } from './version.js';
import { watchCommand } from './watch.js';

/**
 * Every command, in the order help lists them. Add a command by adding its file here.
 * A command file holds only its flags and a `run` that import()s the implementation: this list is
 * loaded for every help, parse and completion, so nothing here may import @kubernetes/client-node
 * (or anything else heavy) at the top level.
 */
export const commands: readonly CommandSpec[] = [checkCommand, fixCommand, scanCommand, rbacCommand, watchCommand, completionCommand, versionCommand];
