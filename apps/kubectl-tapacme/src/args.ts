import { UsageError } from './usage-error.js';

type Raw = Record<string, unknown>;

/**
 * The parsed command line as commands see it: positionals plus typed flag access.
 * pflag semantics: a scalar flag given twice keeps the last value; `strings` flags accumulate.
 */
export class ParsedArgs {
  readonly positionals: readonly string[];
  private readonly raw: Raw;
  /** Flags the user actually wrote (so defaults can be told apart from explicit values). */
  private readonly given: ReadonlySet<string>;

  constructor(positionals: readonly string[], raw: Raw, given: ReadonlySet<string>) {
    this.positionals = positionals;
    this.raw = raw;
    this.given = given;
  }

  has(name: string): boolean {
    return this.given.has(name);
  }

  string(name: string): string | undefined {
    const v = this.raw[name];
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last === undefined || last === null) return undefined;
    if (typeof last === 'boolean') throw new UsageError(`--${name} needs a value`);
    return String(last);
  }

  /** A string flag restricted to `values`; the error names the flag and the choices. */
  choice<T extends string>(name: string, values: readonly T[], fallback: T, label = `--${name}`): T {
    const v = this.string(name);
    if (v === undefined) return fallback;
    if ((values as readonly string[]).includes(v)) return v as T;
    throw new UsageError(`${label} must be one of ${values.join(', ')}, got "${v}"`);
  }

  bool(name: string): boolean {
    const v = this.raw[name];
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    return last === true;
  }

  strings(name: string): string[] {
    const v = this.raw[name];
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    return list.map((x) => {
      if (typeof x === 'boolean') throw new UsageError(`--${name} needs a value`);
      return String(x);
    });
  }

  /** Every string flag whose name matches, for flag families such as the DNS01 provider flags. */
  stringsWhere(predicate: (name: string) => boolean): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.given) {
      if (!predicate(name)) continue;
      const v = this.string(name);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
}
