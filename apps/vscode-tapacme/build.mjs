// Builds the extension: two bundles of the same source (Node for desktop VS Code, browser for
// vscode.dev), the integration tests that run inside a real extension host, and the .vsix.
// Fails when the Node bundle exceeds its size budget or pulls in anything that is not pure core.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(await readFile(join(here, 'package.json'), 'utf8'));
const BUDGET = 400 * 1024;
const skipPackage = process.argv.includes('--no-package');

await rm(join(here, 'dist'), { recursive: true, force: true });
for (const f of readdirSync(here)) {
  if (f.endsWith('.vsix')) await rm(join(here, f));
}

const common = {
  entryPoints: [join(here, 'src', 'extension.ts')],
  bundle: true,
  format: 'cjs',
  external: ['vscode'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
};

const node = await build({ ...common, outfile: join(here, 'dist', 'extension.js'), platform: 'node', target: 'node20' });
// The web extension host is a web worker: no Node built-ins may be bundled or required.
const web = await build({ ...common, outfile: join(here, 'dist', 'web', 'extension.js'), platform: 'browser', target: 'es2022', mainFields: ['browser', 'module', 'main'] });

for (const [name, result] of [['node', node], ['web', web]]) {
  const inputs = Object.keys(result.metafile.inputs);
  const heavy = inputs.filter((p) => /@kubernetes|client-node|node_modules\/(?:yargs|diff)\//.test(p));
  if (heavy.length > 0) throw new Error(`the ${name} bundle contains code the editor must never load: ${heavy.slice(0, 5).join(', ')}`);
  const outputs = Object.values(result.metafile.outputs);
  const requires = new Set(outputs.flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
  requires.delete('vscode');
  // The yaml package's Node build requires the process and buffer built-ins; its browser build none.
  if (name === 'node') for (const r of requires) if (builtinModules.includes(r.replace(/^node:/, ''))) requires.delete(r);
  if (requires.size > 0) throw new Error(`the ${name} bundle requires ${[...requires].join(', ')}; only vscode${name === 'node' ? ' and Node built-ins' : ''} may be external`);
}

const size = (await stat(join(here, 'dist', 'extension.js'))).size;
const webSize = (await stat(join(here, 'dist', 'web', 'extension.js'))).size;
console.log(`dist/extension.js ${(size / 1024).toFixed(1)} KB (budget ${BUDGET / 1024} KB), dist/web/extension.js ${(webSize / 1024).toFixed(1)} KB`);
if (size > BUDGET) {
  console.error(`dist/extension.js is ${size} bytes, over the ${BUDGET}-byte budget`);
  process.exit(1);
}

// Integration tests run inside VS Code's extension hosts (e2e/run.ts starts them); not shipped.
// One build per host: the web worker one gets the browser builds of its dependencies and no Node.
const tests = { entryPoints: [join(here, 'test-integration', 'index.ts')], bundle: true, format: 'cjs', external: ['vscode'], sourcemap: 'inline', logLevel: 'warning', metafile: true };
await build({ ...tests, outfile: join(here, 'dist', 'test', 'integration.js'), platform: 'node', target: 'node20', define: { TAPACME_TEST_HOST: '"node"' } });
const webTests = await build({ ...tests, outfile: join(here, 'dist', 'test', 'integration.web.js'), platform: 'browser', target: 'es2022', mainFields: ['browser', 'module', 'main'], define: { TAPACME_TEST_HOST: '"web"' } });
const webTestRequires = Object.values(webTests.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && i.path !== 'vscode').map((i) => i.path));
if (webTestRequires.length > 0) throw new Error(`the web integration tests require ${webTestRequires.join(', ')}; the web worker host has only vscode`);

if (!skipPackage) {
  const vsix = `tapacme-${pkg.version}.vsix`;
  // --no-dependencies: everything is bundled, and vsce cannot list a pnpm workspace's dependencies.
  execFileSync(join(here, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', vsix], { cwd: here, stdio: ['ignore', 'inherit', 'inherit'] });
  console.log(`${vsix} ${((await stat(join(here, vsix))).size / 1024).toFixed(1)} KB`);
}
