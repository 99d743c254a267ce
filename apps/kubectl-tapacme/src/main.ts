// Entry point. It answers `--version` before loading anything else: that path must start about as fast
// as `node -e 0`. Every command is loaded with import() only when it runs (esbuild keeps dynamically
// imported modules uninitialised until then, even inside the one CommonJS bundle).
import { VERSION, versionInfo } from './version.js';

const args = process.argv.slice(2);

function fastVersion(argv: readonly string[]): string | undefined {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) return `${VERSION}\n`;
  if (argv[0] === 'version' && argv.length === 3 && (argv[1] === '-o' || argv[1] === '--output') && argv[2] === 'json') {
    return `${JSON.stringify(versionInfo(), null, 2)}\n`;
  }
  if (argv[0] === 'version' && argv.length === 2 && (argv[1] === '-ojson' || argv[1] === '--output=json')) {
    return `${JSON.stringify(versionInfo(), null, 2)}\n`;
  }
  return undefined;
}

const quick = fastVersion(args);
if (quick !== undefined) {
  process.stdout.write(quick);
} else if (args[0] === '__complete' || args[0] === '__completeNoDesc') {
  // Shell and kubectl completion call this on every <TAB>: skip the option parser entirely.
  void import('./completion/complete.js').then((m) => m.completeMain(args.slice(1), args[0] === '__complete'));
} else {
  void import('./cli.js').then((m) => m.main(args));
}
