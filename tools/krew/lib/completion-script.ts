// kubectl (1.26+) completes `kubectl tapacme <TAB>` by running `kubectl_complete-tapacme` from PATH
// with the words typed so far; it answers with the CLI's cobra-style `__complete` output.
import type { Os } from './targets.ts';

const unix = `#!/bin/sh
# kubectl 1.26+ runs this for \`kubectl tapacme <TAB>\`; it must be on PATH. krew links only
# kubectl-tapacme into its bin folder, so the plugin's caveats say how to put this one there.
here=$(dirname "$0")
if [ -x "$here/kubectl-tapacme" ]; then
  exec "$here/kubectl-tapacme" __complete "$@"
fi
exec kubectl-tapacme __complete "$@"
`;

const windows = [
  '@echo off',
  'rem kubectl 1.26+ runs this for "kubectl tapacme <TAB>"; it must be on PATH (see the caveats).',
  'if exist "%~dp0kubectl-tapacme.exe" goto local',
  'kubectl-tapacme.exe __complete %*',
  'exit /b %ERRORLEVEL%',
  ':local',
  '"%~dp0kubectl-tapacme.exe" __complete %*',
  'exit /b %ERRORLEVEL%',
  '',
].join('\r\n');

export const completionScript = (os: Os): string => (os === 'windows' ? windows : unix);
