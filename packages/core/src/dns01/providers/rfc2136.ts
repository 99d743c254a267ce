import type { Dns01Provider, FieldError } from '../provider.js';
import { present, validateSecretRef } from '../provider.js';
import { isObj, nonEmptyString } from '../../model/value.js';

const TSIG_ALGORITHMS = ['HMACMD5', 'HMACSHA1', 'HMACSHA256', 'HMACSHA512'] as const;

export const rfc2136: Dns01Provider = {
  key: 'rfc2136',
  title: 'RFC2136 (BIND, PowerDNS, …)',
  fields: [
    { path: ['nameserver'], type: 'string', description: 'authoritative server, host:port ([IPv6]:port)', required: true },
    { path: ['tsigKeyName'], type: 'string', description: 'TSIG key name (with tsigSecretSecretRef)' },
    { path: ['tsigSecretSecretRef'], type: 'secretRef', description: 'secret holding the TSIG secret, NAME:KEY' },
    { path: ['tsigAlgorithm'], type: 'enum', values: TSIG_ALGORITHMS, description: 'TSIG algorithm (default HMACMD5)' },
    { path: ['protocol'], type: 'enum', values: ['TCP', 'UDP'], description: 'DNS protocol' },
  ],
  validate(c) {
    const base = ['rfc2136'];
    const errs: FieldError[] = [];
    const ns = c['nameserver'];
    if (!nonEmptyString(ns)) errs.push({ path: [...base, 'nameserver'], message: 'nameserver is required' });
    else if (!validNameserver(ns)) {
      errs.push({ path: [...base, 'nameserver'], message: 'nameserver must be host:port, where host is an IPv4 address, an IPv6 address in brackets or a hostname, and the port is optional' });
    }
    const alg = c['tsigAlgorithm'];
    if (nonEmptyString(alg) && !(TSIG_ALGORITHMS as readonly string[]).includes(alg.toUpperCase())) {
      errs.push({ path: [...base, 'tsigAlgorithm'], message: `unsupported TSIG algorithm; use one of ${TSIG_ALGORITHMS.join(', ')}` });
    }
    const secretRef = [...base, 'tsigSecretSecretRef'];
    if (nonEmptyString(c['tsigKeyName'])) errs.push(...validateSecretRef(c['tsigSecretSecretRef'], secretRef));
    if (present(c, 'tsigSecretSecretRef') && isObj(c['tsigSecretSecretRef']) && validateSecretRef(c['tsigSecretSecretRef'], secretRef).length === 0 && !nonEmptyString(c['tsigKeyName'])) {
      errs.push({ path: [...base, 'tsigKeyName'], message: 'tsigKeyName is required with tsigSecretSecretRef' });
    }
    return errs;
  },
};

/** host:port with an optional port; IPv6 hosts must be bracketed. */
export function validNameserver(s: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+)(?::(\d{1,5}))?$/.exec(s.trim());
  if (!m) return false;
  const port = m[2];
  return port === undefined || (Number(port) > 0 && Number(port) < 65536);
}
