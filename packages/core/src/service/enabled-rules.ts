import { rules } from '../rules/registry.js';
import type { Rule, Severity } from '../rules/rule.js';
import type { Settings } from '../settings.js';

/** A rule the settings leave on, with the severity its findings get. */
export interface EnabledRule {
  rule: Rule;
  severity: Severity;
}

const bySettings = new WeakMap<Settings, readonly EnabledRule[]>();

/** The rules the settings leave on, in registry order; worked out once per settings object. */
export function enabledRules(settings: Settings): readonly EnabledRule[] {
  let out = bySettings.get(settings);
  if (!out) {
    const list: EnabledRule[] = [];
    for (const rule of rules) {
      const configured = settings.rules[rule.id];
      if (configured !== 'off') list.push({ rule, severity: configured ?? rule.defaultSeverity });
    }
    bySettings.set(settings, (out = list));
  }
  return out;
}
