import { describeRef } from '../model/manifest-object.js';
import { isSecret, isServiceAccount, PULL_SECRET_TYPES, PULL_SECRETS_PATH, pullSecretsOf, secretTypesByNamespace } from '../model/pull-secrets.js';
import { asString } from '../model/value.js';
import type { Problem, SetRule } from './rule.js';

export const pullSecretWrongType: SetRule<'pull-secret-wrong-type'> = {
  id: 'pull-secret-wrong-type',
  scope: 'set',
  defaultSeverity: 'warning',
  title: 'Pull secret is not a registry credential Secret',
  why:
    `The kubelet reads registry credentials only from Secrets of type ${PULL_SECRET_TYPES.join(' or ')}. A ServiceAccount that names a Secret of another type (Opaque, the default, included) gives the Pod no usable credentials, and the image pull fails.`,
  inputOf(o) {
    if (isSecret(o) && o.name) return JSON.stringify(['secret', o.namespace, o.name, asString(o.value['type']) ?? 'Opaque']);
    if (!isServiceAccount(o)) return '';
    const field = pullSecretsOf(o);
    if (field.state !== 'list') return '';
    return JSON.stringify(['sa', o.namespace, o.name, o.origin.type === 'file' ? o.origin.itemPath : [], field.entries]);
  },
  check(ctx) {
    const accounts = ctx.objects.filter(isServiceAccount);
    if (accounts.length === 0) return [];
    const secrets = secretTypesByNamespace(ctx.objects);
    if (secrets.size === 0) return [];
    const problems: Problem<'pull-secret-wrong-type'>[] = [];
    for (const sa of accounts) {
      const field = pullSecretsOf(sa);
      if (field.state !== 'list') continue;
      const inNs = secrets.get(sa.namespace ?? '');
      if (!inNs) continue;
      for (const e of field.entries) {
        if (e.form !== 'ok' || e.name === '') continue;
        const type = inNs.get(e.name);
        if (type === undefined || (PULL_SECRET_TYPES as readonly string[]).includes(type)) continue;
        problems.push({
          object: sa,
          path: [...PULL_SECRETS_PATH, e.index, 'name'],
          part: 'value',
          message: `${describeRef(sa)} names pull secret "${e.name}", which these files define in ${sa.namespace ? `namespace "${sa.namespace}"` : 'the same namespace'} with type ${type}; the kubelet reads registry credentials only from ${PULL_SECRET_TYPES.join(' or ')} Secrets, so the image pull fails`,
          data: { secret: e.name, type },
        });
      }
    }
    return problems;
  },
};
