import { UsageError } from '../usage-error.js';
import type { CommandSpec } from './command.js';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;

export const completionCommand: CommandSpec = {
  name: 'completion',
  describe: 'print a shell completion script (bash, zsh, fish, powershell)',
  usage: 'completion bash|zsh|fish|powershell',
  long: 'Completion through `kubectl tapacme <TAB>` (kubectl 1.26+) needs the kubectl_complete-tapacme helper on PATH instead; this script completes the kubectl-tapacme command itself.',
  positional: { name: 'shell', describe: 'the shell to print the script for', complete: SHELLS },
  flags: () => [],
  examples: [
    ['completion bash > /etc/bash_completion.d/kubectl-tapacme', 'install bash completion'],
    ['completion zsh > "${fpath[1]}/_kubectl-tapacme"', 'install zsh completion'],
    ['completion fish > ~/.config/fish/completions/kubectl-tapacme.fish', 'install fish completion'],
    ['completion powershell | Out-String | Invoke-Expression', 'enable completion in the current PowerShell'],
  ],
  run: async (args, io) => {
    const [shell, ...rest] = args.positionals;
    if (shell === undefined) throw new UsageError(`name the shell: ${SHELLS.join(', ')}`);
    if (rest.length > 0) throw new UsageError(`completion takes one shell, got ${args.positionals.length}`);
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`unsupported shell "${shell}"; use one of ${SHELLS.join(', ')}`);
    const { completionScript } = await import('../completion/scripts.js');
    io.out(completionScript(shell as (typeof SHELLS)[number]));
    return 0;
  },
};
