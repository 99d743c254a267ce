import type { ManifestObject } from './manifest-object.js';

/**
 * `read`, remembered per parsed value: an editor asks again on every keystroke about the objects
 * that did not change, and their values are the same objects. Results are shared: treat them as read-only.
 */
export function memoByValue<T>(read: (o: ManifestObject) => T): (o: ManifestObject) => T {
  const memo = new WeakMap<object, T>();
  return (o) => {
    if (memo.has(o.value)) return memo.get(o.value) as T;
    const result = read(o);
    memo.set(o.value, result);
    return result;
  };
}
