import { describeRef } from '../model/manifest-object.js';
import { isServiceAccount, PULL_SECRETS_PATH, pullSecretsOf } from '../model/pull-secrets.js';
import type { ObjectRule, Problem } from './rule.js';

export const pullSecretEntryMalformed: ObjectRule<'pull-secret-entry-malformed'> = {
  id: 'pull-secret-entry-malformed',
  scope: 'object',
  defaultSeverity: 'error',
  title: 'ServiceAccount imagePullSecrets entry that is not {name: <secret>}',
  why:
    'Each imagePullSecrets entry of a ServiceAccount is an object with a name. The API server rejects a plain string (as TAP\'s documentation writes it: "cannot unmarshal string into Go struct field ServiceAccount.imagePullSecrets of type v1.LocalObjectReference"), so the ServiceAccount is never applied; an entry without a name names no Secret, so no credentials reach the Pod.',
  check(o) {
    if (!isServiceAccount(o)) return [];
    const field = pullSecretsOf(o);
    const who = describeRef(o);
    if (field.state === 'not-a-list') {
      return [{ object: o, path: PULL_SECRETS_PATH, part: 'value', message: `${who}: imagePullSecrets must be a list of {name: <secret>} entries; the API server rejects anything else`, data: { index: -1, form: 'other' } }];
    }
    if (field.state !== 'list') return [];
    const problems: Problem<'pull-secret-entry-malformed'>[] = [];
    for (const e of field.entries) {
      const path = [...PULL_SECRETS_PATH, e.index];
      if (e.form === 'string') {
        problems.push({
          object: o,
          path,
          part: 'value',
          message: `${who}: imagePullSecrets entry "${e.value}" is a string, which the API server rejects (cannot unmarshal string into LocalObjectReference); write it as - name: ${e.value}`,
          fixes: ['pull-secret-entry'],
          data: { index: e.index, form: 'string' },
        });
      } else if (e.form === 'no-name') {
        problems.push({
          object: o,
          path,
          part: 'value',
          message: `${who}: imagePullSecrets entry ${e.index + 1} has no name, so it names no Secret and the Pod gets no registry credentials from it; set name to the pull secret`,
          fixes: ['pull-secret-name'],
          data: { index: e.index, form: 'no-name' },
        });
      } else if (e.form === 'other') {
        problems.push({ object: o, path, part: 'value', message: `${who}: imagePullSecrets entry ${e.index + 1} must be {name: <secret>}; the API server rejects it`, data: { index: e.index, form: 'other' } });
      }
    }
    return problems;
  },
};
