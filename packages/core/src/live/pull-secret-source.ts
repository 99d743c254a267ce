import { isDns1123Label, isDns1123Subdomain } from '../model/dns1123.js';

export type FixPullSecretSource =
  | { type: 'auto' }
  | { type: 'existing' }
  | { type: 'placeholder' }
  | { type: 'copy'; namespace: string; name: string };

/** Parse `existing`, `placeholder` or `copy:NAMESPACE/NAME`. */
export function parseFixPullSecretSource(text: string | undefined): FixPullSecretSource | { error: string } {
  if (text === undefined || text === '' || text === 'auto') return { type: 'auto' };
  if (text === 'existing' || text === 'placeholder') return { type: text };
  const m = /^copy:([^/]*)\/([^/]*)$/.exec(text);
  const [namespace, name] = [m?.[1] ?? '', m?.[2] ?? ''];
  if (m && isDns1123Label(namespace) && isDns1123Subdomain(name)) return { type: 'copy', namespace, name };
  return { error: `--pull-secret-source must be existing, placeholder or copy:NAMESPACE/NAME, got "${text}"` };
}
