// Stands in for y18n in the bundle. yargs asks y18n for its messages, and y18n reads locale files
// from a folder next to yargs' own sources, which neither the bundle nor a single executable has.
// The CLI speaks English (like kubectl), so messages are the English keys, formatted as y18n does.
import { format } from 'node:util';

interface Y18n {
  __(str: string, ...args: unknown[]): string;
  __n(singular: string, plural: string, count: number, ...args: unknown[]): string;
  setLocale(locale: string): void;
  getLocale(): string;
  updateLocale(obj: Record<string, string>): void;
  locale: string;
}

export default function y18n(): Y18n {
  const strings = new Map<string, string>();
  let locale = 'en';
  const api: Y18n = {
    __: (str, ...args) => format(strings.get(str) ?? str, ...args.filter((a) => typeof a !== 'function')),
    __n: (singular, plural, count, ...args) => {
      const str = strings.get(count === 1 ? singular : plural) ?? (count === 1 ? singular : plural);
      const values: unknown[] = str.includes('%d') ? [count] : [];
      return format(str, ...values, ...args.filter((a) => typeof a !== 'function'));
    },
    setLocale: (l) => {
      locale = l;
    },
    getLocale: () => locale,
    updateLocale: (obj) => {
      for (const [k, v] of Object.entries(obj)) strings.set(k, v);
    },
    get locale() {
      return locale;
    },
  };
  return api;
}
