// Shell completion scripts for the kubectl-tapacme command, embedded as text by the bundler.
// Each asks the program itself (`kubectl-tapacme __complete ...`, cobra's protocol, see complete.ts)
// and applies the directive, so the scripts never change when commands or flags do.
import bash from './kubectl-tapacme.bash';
import fish from './kubectl-tapacme.fish';
import powershell from './kubectl-tapacme.ps1';
import zsh from './kubectl-tapacme.zsh';

export type Shell = 'bash' | 'zsh' | 'fish' | 'powershell';

const scripts: Readonly<Record<Shell, string>> = { bash, zsh, fish, powershell };

export function completionScript(shell: Shell): string {
  return scripts[shell];
}
