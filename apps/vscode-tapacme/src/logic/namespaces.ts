import { isDns1123Label } from '@tapacme/core';

/** DNS-1123 label, as Kubernetes validates namespace names. */
export function validNamespace(s: string): string | undefined {
  if (s === '') return undefined;
  return isDns1123Label(s) ? undefined : 'a namespace is a DNS-1123 label: lower-case letters, digits and "-", at most 63 characters';
}
