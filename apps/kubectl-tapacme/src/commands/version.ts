import type { CommandSpec } from './command.js';

export const versionCommand: CommandSpec = {
  name: 'version',
  describe: 'print the version',
  usage: 'version [-o json]',
  flags: () => [{ name: 'output', short: 'o', type: 'string', values: ['text', 'json'], defaultValue: 'text', describe: 'print version, Node.js and platform as JSON', placeholder: 'FORMAT' }],
  run: async (args, io) => {
    const { VERSION, versionInfo } = await import('../version.js');
    if (args.choice('output', ['json', 'text'] as const, 'text', '-o/--output') === 'json') io.out(`${JSON.stringify(versionInfo(), null, 2)}\n`);
    else io.out(`${VERSION}\n`);
    return 0;
  },
};
