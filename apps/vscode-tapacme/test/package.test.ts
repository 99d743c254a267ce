// The built extension (pnpm build): bundles within budget, the web bundle free of Node, the .vsix
// holding exactly what VS Code loads. Runs as test:dist, after the build.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string; main: string; browser: string };

/** Names and contents of a zip's entries, from its central directory (a .vsix is a zip). */
function unzip(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    out.set(name, method === 8 ? inflateRawSync(raw) : raw);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe.runIf(process.env['TAPACME_TEST_DIST'] === '1')('the built extension', () => {
  it('keeps the Node bundle within its 400 KB budget', () => {
    expect(statSync(new URL(pkg.main, root)).size).toBeLessThanOrEqual(400 * 1024);
  });

  it('builds a web bundle that requires nothing but vscode', () => {
    const web = readFileSync(new URL(pkg.browser, root), 'utf8');
    expect([...new Set(web.match(/require\(["'][^"']+["']\)/g) ?? [])]).toEqual(['require("vscode")']);
  });

  it('loads and activates the web bundle where only web globals exist (no process, Buffer or require)', () => {
    // Any vscode API answers with another stub; iteration finds nothing (no open documents).
    const stub: object = new Proxy(function vscodeStub() {}, {
      get: (_t, prop) => (prop === Symbol.iterator ? function* empty() {} : prop === 'then' ? undefined : stub),
      apply: () => stub,
      construct: () => stub,
    });
    // esbuild copies the module's own keys into a namespace object, so the module lists what the bundle reads.
    const api = ['CodeAction', 'CodeActionKind', 'ConfigurationTarget', 'Diagnostic', 'DiagnosticSeverity', 'EventEmitter', 'Hover', 'MarkdownString', 'Position', 'ProgressLocation', 'Range', 'SnippetString', 'Uri', 'WorkspaceEdit', 'commands', 'extensions', 'languages', 'window', 'workspace'];
    const vscodeModule = Object.fromEntries(api.map((name) => [name, stub]));
    const requested: string[] = [];
    const module = { exports: {} as { activate?: (c: unknown) => unknown } };
    const sandbox = {
      module,
      exports: module.exports,
      require: (id: string) => {
        requested.push(id);
        if (id !== 'vscode') throw new Error(`the web bundle required ${id}`);
        return vscodeModule;
      },
      console,
      setTimeout,
      clearTimeout,
      TextDecoder,
      TextEncoder,
      URL,
      WeakMap,
    };
    runInNewContext(readFileSync(new URL(pkg.browser, root), 'utf8'), sandbox, { filename: 'web/extension.js' });
    expect(typeof module.exports.activate).toBe('function');
    const context = { subscriptions: [] as unknown[] };
    module.exports.activate?.(context);
    expect(context.subscriptions.length).toBeGreaterThan(5);
    expect([...new Set(requested)]).toEqual(['vscode']);
  });

  it('packages tapacme-<version>.vsix with the two bundles, the manifest, README and LICENSE only', () => {
    const vsix = new URL(`tapacme-${pkg.version}.vsix`, root);
    expect(existsSync(vsix)).toBe(true);
    const entries = unzip(readFileSync(vsix));
    expect([...entries.keys()].filter((n) => n.startsWith('extension/')).sort()).toEqual([
      'extension/LICENSE.txt',
      'extension/changelog.md',
      'extension/dist/extension.js',
      'extension/dist/web/extension.js',
      'extension/package.json',
      'extension/readme.md',
    ]);
    const manifest = JSON.parse(entries.get('extension/package.json')?.toString('utf8') ?? '{}') as Record<string, unknown>;
    expect(manifest['name']).toBe('tapacme');
    expect(manifest['publisher']).toBe('tapacme');
    expect(manifest['activationEvents']).toEqual(['onLanguage:yaml', 'onCommand:tapacme.checkWorkspace', 'onCommand:tapacme.fixAll']);
    expect(entries.get('extension/dist/extension.js')?.equals(readFileSync(new URL(pkg.main, root)))).toBe(true);
  });
});
