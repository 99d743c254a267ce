// Integration tests that run inside a real VS Code extension host (test-electron's `run()` contract):
// e2e/run.ts opens code-server with extensionDevelopmentPath/extensionTestsPath and reads the exit code.
// The same tests are built twice: for the Node extension host and for the web worker one (vscode.dev),
// which has no Node built-ins; hence chai rather than node:assert.
// The workspace is test-integration/workspace/ (copied); most tests use untitled documents instead.
import { assert } from 'chai';
import * as vscode from 'vscode';
import { BROKEN, FIXED, withServiceAccount } from '../test/fixtures.ts';

const RULE = 'http01-solver-missing-service-account';

const tests: [string, () => Promise<void>][] = [];
function test(name: string, fn: () => Promise<void>): void {
  tests.push([name, fn]);
}

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function tapacme(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'tapacme');
}

let untitledCount = 0;

/** A new untitled document under a name of its own (VS Code reuses Untitled-1 once it is closed). */
async function untitled(content: string, language = 'yaml'): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.parse(`untitled:/tapacme-test-${++untitledCount}.${language === 'yaml' ? 'yaml' : 'txt'}`);
  const doc = await vscode.workspace.openTextDocument(uri);
  assert.strictEqual(doc.languageId, language);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), content);
  assert.ok(await vscode.workspace.applyEdit(edit));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** Waits until the document's tapacme diagnostics are exactly these rules (an untitled URI is reused after close). */
async function diagnosticsOf(doc: vscode.TextDocument, rules: readonly string[]): Promise<vscode.Diagnostic[]> {
  const want = JSON.stringify(rules);
  let last = '';
  try {
    return await waitFor(`tapacme diagnostics ${want} on ${doc.uri.toString()}`, () => {
      const d = tapacme(doc.uri);
      last = JSON.stringify(d.map((x) => (typeof x.code === 'object' ? x.code.value : x.code)));
      return last === want ? d : undefined;
    });
  } catch (e) {
    throw new Error(`${(e as Error).message}; last seen ${last}`, { cause: e });
  }
}

/**
 * The quick fixes offered at a diagnostic. The diagnostics a provider is given come from the
 * workbench, which learns of them a moment after this extension host does (a user sees the squiggle
 * first, then presses Ctrl+.): ask until the workbench has them.
 */
async function quickFixes(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return waitFor(`quick fixes at line ${range.start.line + 1} of ${doc.uri.toString()}`, async () => {
    const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range, vscode.CodeActionKind.QuickFix.value);
    // Converted actions carry no diagnostics; ours are the ones whose command is the extension's.
    const ours = all.filter((a) => a.command?.command.startsWith('tapacme.') && a.title !== 'Fix all tapacme problems in this file');
    return ours.length > 0 ? ours : undefined;
  });
}

async function run_(action: vscode.CodeAction, ...extra: unknown[]): Promise<unknown> {
  if (!action.command) throw new Error(`${action.title} has no command`);
  return vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []), ...extra);
}

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('tapacme').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Which extension host this build of the tests is for (build.mjs defines it). */
declare const TAPACME_TEST_HOST: 'node' | 'web';

test(`runs in the ${TAPACME_TEST_HOST === 'web' ? 'web worker' : 'Node'} extension host, from the ${TAPACME_TEST_HOST === 'web' ? 'browser' : 'main'} entry`, async () => {
  const ext = vscode.extensions.getExtension('tapacme.tapacme');
  assert.ok(ext, 'the extension is not installed');
  await ext.activate();
  const scope = globalThis as { WorkerGlobalScope?: new () => unknown; process?: { versions?: { node?: string } } };
  // A web worker with no Node, which fetched the `browser` bundle (the tests run in the host that runs the extension).
  if (TAPACME_TEST_HOST === 'web') {
    assert.ok(scope.WorkerGlobalScope && globalThis instanceof scope.WorkerGlobalScope, 'not in a web worker');
    assert.strictEqual(scope.process, undefined, 'Node is here');
    const fetched = performance.getEntriesByType('resource').map((e) => decodeURIComponent(e.name));
    assert.ok(fetched.some((n) => n.includes('/dist/web/extension.js')), `this worker did not fetch dist/web/extension.js: ${JSON.stringify(fetched)}`);
  } else {
    assert.strictEqual(typeof scope.process?.versions?.node, 'string', 'not in Node');
  }
});

test('reports the broken solver with source, rule code and its README link', async () => {
  const doc = await untitled(BROKEN);
  const [d] = await diagnosticsOf(doc, [RULE]);
  assert.ok(d);
  assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
  assert.ok(typeof d.code === 'object');
  assert.strictEqual(d.code.value, RULE);
  assert.strictEqual(d.code.target.toString(true), `https://github.com/tapacme/tapacme/blob/main/packages/core/README.md#${RULE}`);
  assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [10, 6, 10, 12]);
  assert.match(d.message, /ErrImagePull/);
});

test('updates after an edit that fixes the solver, and after one that breaks it again', async () => {
  const doc = await untitled(BROKEN);
  await diagnosticsOf(doc, [RULE]);
  const fix = new vscode.WorkspaceEdit();
  fix.insert(doc.uri, new vscode.Position(13, 0), '          podTemplate: {spec: {serviceAccountName: sa}}\n');
  assert.ok(await vscode.workspace.applyEdit(fix));
  await diagnosticsOf(doc, []);
  const breakIt = new vscode.WorkspaceEdit();
  breakIt.replace(doc.uri, doc.lineAt(13).range, '');
  assert.ok(await vscode.workspace.applyEdit(breakIt));
  await diagnosticsOf(doc, [RULE]);
});

test('offers the three quick fixes; only the ServiceAccount fix is preferred', async () => {
  const doc = await untitled(BROKEN);
  const [d] = await diagnosticsOf(doc, [RULE]);
  assert.ok(d);
  const actions = await quickFixes(doc, d.range);
  assert.deepEqual(
    actions.map((a) => [a.title, a.isPreferred === true]),
    [
      ['Add podTemplate ServiceAccount', true],
      ['Convert solver to DNS01…', false],
      ['Add ServiceAccount manifest…', false],
    ],
  );
});

test('"Add podTemplate ServiceAccount" writes the core edit', async () => {
  const doc = await untitled(BROKEN);
  const [d] = await diagnosticsOf(doc, [RULE]);
  assert.ok(d);
  const [sa] = await quickFixes(doc, d.range);
  assert.ok(sa);
  assert.strictEqual(await run_(sa), 'applied');
  assert.strictEqual(doc.getText(), FIXED);
  await diagnosticsOf(doc, []);
});

test('a quick fix computed before an edit is recomputed for the new text', async () => {
  const doc = await untitled(BROKEN);
  const [d] = await diagnosticsOf(doc, [RULE]);
  assert.ok(d);
  const [sa] = await quickFixes(doc, d.range);
  assert.ok(sa);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, new vscode.Position(0, 0), '# moved down\n# two lines\n');
  assert.ok(await vscode.workspace.applyEdit(edit));
  assert.strictEqual(await run_(sa), 'applied');
  assert.strictEqual(doc.getText(), `# moved down\n# two lines\n${FIXED}`);
});

test('a quick fix whose problem is gone after an edit changes nothing', async () => {
  const doc = await untitled(BROKEN);
  const [d] = await diagnosticsOf(doc, [RULE]);
  assert.ok(d);
  const [sa] = await quickFixes(doc, d.range);
  assert.ok(sa);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, new vscode.Position(13, 0), '          podTemplate: {spec: {serviceAccountName: mine}}\n');
  assert.ok(await vscode.workspace.applyEdit(edit));
  const before = doc.getText();
  assert.strictEqual(await run_(sa), 'stale');
  assert.strictEqual(doc.getText(), before);
});

test('"Convert solver to DNS01…" inserts a snippet whose tab stops are the provider\'s required fields', async () => {
  const doc = await untitled(BROKEN);
  const [d] = await diagnosticsOf(doc, [RULE]);
  assert.ok(d);
  const dns = (await quickFixes(doc, d.range)).find((a) => a.title.startsWith('Convert solver to DNS01'));
  assert.ok(dns);
  assert.strictEqual(await run_(dns, 'webhook'), 'applied');
  assert.strictEqual(doc.getText(), BROKEN.replace('    - http01:\n        ingress:\n          class: contour\n', '    - dns01:\n        webhook:\n          groupName: groupName\n          solverName: solverName\n'));
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor);
  // The first tab stop is selected, ready to type over.
  assert.strictEqual(doc.getText(editor.selection), 'groupName');
  assert.deepEqual([editor.selection.start.line, editor.selection.start.character], [12, 21]);
  await diagnosticsOf(doc, []);
});

test('"Add ServiceAccount manifest…" appends a ServiceAccount for the namespace passed', async () => {
  const doc = await untitled(BROKEN);
  const [d] = await diagnosticsOf(doc, [RULE]);
  assert.ok(d);
  const emit = (await quickFixes(doc, d.range)).find((a) => a.title === 'Add ServiceAccount manifest…');
  assert.ok(emit);
  assert.strictEqual(await run_(emit, 'apps'), 'applied');
  assert.match(doc.getText(), /\n---\n# Solver ServiceAccount for ClusterIssuer letsencrypt;[^\n]*\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n {2}name: tap-acme-http01-solver\n {2}namespace: apps\nimagePullSecrets:\n- name: registry-credentials\n$/);
});

test('a namespace without the ServiceAccount gets it through the preferred fix', async () => {
  const text = [withServiceAccount('tap-acme-http01-solver'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: team-a\n', 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: team-b\nspec:\n  secretName: web\n  issuerRef:\n    name: letsencrypt\n    kind: ClusterIssuer\n'].join('---\n');
  const doc = await untitled(text);
  const [d] = await diagnosticsOf(doc, ['service-account-missing-in-namespace']);
  assert.ok(d && typeof d.code === 'object');
  assert.strictEqual(d.code.value, 'service-account-missing-in-namespace');
  const [fix, ...rest] = await quickFixes(doc, d.range);
  assert.strictEqual(rest.length, 0);
  assert.ok(fix);
  assert.strictEqual(fix.title, 'Add ServiceAccount manifest for namespace "team-b"');
  assert.strictEqual(fix.isPreferred, true);
  assert.strictEqual(await run_(fix), 'applied');
  await diagnosticsOf(doc, []);
});

test('source.fixAll.tapacme returns one edit that fixes the file', async () => {
  const doc = await untitled(`${BROKEN}---\n${BROKEN.replace('name: letsencrypt\n', 'name: staging\n')}`);
  await diagnosticsOf(doc, [RULE, RULE]);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), 'source.fixAll.tapacme');
  assert.strictEqual(actions.length, 1);
  const [all] = actions;
  assert.ok(all?.edit && all.kind);
  assert.strictEqual(all.kind.value, 'source.fixAll.tapacme');
  assert.ok(await vscode.workspace.applyEdit(all.edit));
  await diagnosticsOf(doc, []);
  const again = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), 'source.fixAll.tapacme');
  assert.strictEqual(again.length, 0);
});

test('"tapacme: Fix all in file" fixes every solver', async () => {
  const doc = await untitled(`${BROKEN}---\n${BROKEN.replace('name: letsencrypt\n', 'name: staging\n')}`);
  await diagnosticsOf(doc, [RULE, RULE]);
  assert.strictEqual(await vscode.commands.executeCommand('tapacme.fixAll', doc.uri.toString()), 'applied');
  await diagnosticsOf(doc, []);
  assert.strictEqual((doc.getText().match(/serviceAccountName: tap-acme-http01-solver/g) ?? []).length, 2);
});

test('hover explains why the Pod fails and what each fix does', async () => {
  const doc = await untitled(BROKEN);
  await diagnosticsOf(doc, [RULE]);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(10, 8));
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(text, /tapacme: HTTP01 solver Pod has no ServiceAccount or pull secrets/);
  assert.match(text, /ErrImagePull/);
  assert.match(text, /Add podTemplate ServiceAccount/);
  const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 2));
  assert.ok(!none.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('tapacme'))));
});

test('settings: severity per rule, off, tapacme.enable and the ServiceAccount name', async () => {
  const doc = await untitled(BROKEN);
  await diagnosticsOf(doc, [RULE]);
  try {
    await setting('rules', { [RULE]: 'warning' });
    await waitFor('a warning', () => tapacme(doc.uri)[0]?.severity === vscode.DiagnosticSeverity.Warning);
    await setting('rules', { [RULE]: 'off' });
    await diagnosticsOf(doc, []);
    await setting('rules', undefined);
    await diagnosticsOf(doc, [RULE]);
    await setting('enable', false);
    await diagnosticsOf(doc, []);
    await setting('enable', undefined);
    const [d] = await diagnosticsOf(doc, [RULE]);
    assert.ok(d);
    await setting('serviceAccountName', 'my-solver');
    const [sa] = await quickFixes(doc, d.range);
    assert.ok(sa);
    await run_(sa);
    assert.strictEqual(doc.getText(), withServiceAccount('my-solver'));
  } finally {
    await setting('rules', undefined);
    await setting('enable', undefined);
    await setting('serviceAccountName', undefined);
  }
});

test('documents that are not YAML get no diagnostics', async () => {
  const doc = await untitled(BROKEN, 'plaintext');
  await new Promise((r) => setTimeout(r, 500));
  assert.strictEqual(tapacme(doc.uri).length, 0);
});

test('editor.codeActionsOnSave with source.fixAll.tapacme fixes the file when it is saved', async () => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the workspace folder');
  const uri = vscode.Uri.joinPath(folder.uri, 'save', 'on-save.yaml');
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(BROKEN));
  const editorConfig = vscode.workspace.getConfiguration('editor', { languageId: 'yaml' });
  await editorConfig.update('codeActionsOnSave', { 'source.fixAll.tapacme': 'explicit' }, vscode.ConfigurationTarget.Global);
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await diagnosticsOf(doc, [RULE]);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(0, 0), '# reviewed\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await vscode.commands.executeCommand('workbench.action.files.save');
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.strictEqual(onDisk, `# reviewed\n${FIXED}`);
  } finally {
    await editorConfig.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder.uri, 'save'), { recursive: true });
  }
});

test('"tapacme: Check workspace" reports every YAML file, across files, to the Problems panel', async () => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the workspace folder');
  const summary = await vscode.commands.executeCommand<{ files: number; findings: number; filesWithFindings: number; unreadable: number }>('tapacme.checkWorkspace');
  assert.deepEqual(summary, { files: 3, findings: 2, filesWithFindings: 2, unreadable: 0 });
  const certs = vscode.languages.getDiagnostics(vscode.Uri.joinPath(folder.uri, 'certificates.yaml')).filter((d) => d.source === 'tapacme');
  assert.deepEqual(certs.map((d) => (typeof d.code === 'object' ? d.code.value : d.code)), ['service-account-missing-in-namespace']);
  assert.match(certs[0]?.message ?? '', /namespace "team-b"/);
  const issuer = vscode.languages.getDiagnostics(vscode.Uri.joinPath(folder.uri, 'issuer.yaml')).filter((d) => d.source === 'tapacme');
  assert.deepEqual(issuer.map((d) => d.range.start.line), [10]);
});

/** Close every editor without a save prompt (untitled documents are dirty). */
async function closeAll(): Promise<void> {
  for (let i = 0; i < 50 && vscode.window.activeTextEditor; i++) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension('tapacme.tapacme');
  assert.ok(ext, 'the extension is not installed');
  let failed = 0;
  for (const [name, fn] of tests) {
    const t = Date.now();
    try {
      await fn();
      console.log(`ok ${name} (${Date.now() - t} ms)`);
    } catch (e) {
      failed++;
      console.log(`not ok ${name}\n${(e as Error).stack ?? String(e)}`);
    } finally {
      await closeAll();
    }
  }
  console.log(`integration: ${tests.length - failed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} of ${tests.length} integration tests failed`);
}
