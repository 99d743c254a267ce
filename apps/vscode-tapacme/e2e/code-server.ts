// Starts code-server (VS Code in a browser, from npm, on the pinned Node 24) with every file it
// writes under one state folder, and stops it with its whole process group: extension hosts
// outlive the browser by design.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface CodeServerOptions {
  /** The code-server npm prefix (scripts/vscode-e2e-setup.sh prints it). */
  prefix: string;
  /** Node 24 binary that runs code-server. */
  node: string;
  stateDir: string;
  userSettings: Record<string, unknown>;
  /** Extra VS Code options, e.g. --enable-smoke-test-driver for the extension-host tests. */
  vscodeOptions?: string[];
}

export interface CodeServer {
  port: number;
  /** Everything it writes is under here; its extension hosts' logs under udd/logs. */
  stateDir: string;
  url(folder: string, payload?: [string, string][]): string;
  stop(): void;
  logFile: string;
}

const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.enableExperiments': false,
  'editor.hover.delay': 200,
  'git.enabled': false,
  // VS Code in a browser saves after a delay by default; an auto save is not an explicit save, so
  // "explicit" code actions on save would never run, and the tests press Ctrl+S themselves.
  'files.autoSave': 'off',
  // Typing into a snippet's tab stops must type text: a word suggestion popping up under the
  // cursor would take the keystrokes (and the YAML extension's defaults turn suggestions on in strings).
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  '[yaml]': { 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' } },
  'editor.wordBasedSuggestions': 'off',
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnCommitCharacter': false,
};

function env(stateDir: string): NodeJS.ProcessEnv {
  const xdg = join(stateDir, 'xdg');
  const dirs = { XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data'), XDG_CACHE_HOME: join(xdg, 'cache'), TMPDIR: join(xdg, 'tmp') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return { ...process.env, ...dirs };
}

function baseArgs(stateDir: string): string[] {
  return ['--user-data-dir', join(stateDir, 'udd'), '--extensions-dir', join(stateDir, 'exts'), '--config', join(stateDir, 'config.yaml')];
}

function entry(prefix: string): string {
  return join(prefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

export function installExtension(o: CodeServerOptions, vsix: string): void {
  prepare(o);
  const r = spawnSync(o.node, [entry(o.prefix), ...baseArgs(o.stateDir), '--install-extension', vsix, '--force'], { env: env(o.stateDir), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || !/successfully installed/.test(r.stdout)) throw new Error(`installing ${vsix} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

function prepare(o: CodeServerOptions): void {
  mkdirSync(join(o.stateDir, 'udd', 'User'), { recursive: true });
  mkdirSync(join(o.stateDir, 'exts'), { recursive: true });
  writeFileSync(join(o.stateDir, 'config.yaml'), 'auth: none\ncert: false\n');
  writeFileSync(join(o.stateDir, 'udd', 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...o.userSettings }, null, 2));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function startCodeServer(o: CodeServerOptions): Promise<CodeServer> {
  prepare(o);
  const port = await freePort();
  const logFile = join(o.stateDir, 'code-server.log');
  const log = openSync(logFile, 'a');
  const args = [
    entry(o.prefix),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...baseArgs(o.stateDir),
    ...(o.vscodeOptions ?? []).map((v) => `--vscode-option=${v}`),
  ];
  // detached: its own process group, so stop() ends the extension hosts too.
  const child = spawn(o.node, args, { env: env(o.stateDir), detached: true, stdio: ['ignore', log, log] });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('code-server did not start');
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = (): void => {
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited at start; see ${logFile}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not answer /healthz within 60 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    stateDir: o.stateDir,
    logFile,
    stop,
    url(folder, payload) {
      const q = new URLSearchParams({ folder });
      if (payload) q.set('payload', JSON.stringify(payload));
      return `http://127.0.0.1:${port}/?${q.toString()}`;
    },
  };
}
