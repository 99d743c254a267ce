import { ruleById } from '@tapacme/core';
import type { Finding, Settings } from '@tapacme/core';
import { ruleDocUrl } from './diagnostics.js';

/** Markdown for the findings under the cursor: why the solver Pod fails, and what each fix does. */
export function hoverMarkdown(findings: readonly Finding[], settings: Settings): string | undefined {
  if (findings.length === 0) return undefined;
  return findings.map((f) => section(f, settings)).join('\n\n---\n\n');
}

function section(f: Finding, settings: Settings): string {
  const rule = ruleById(f.rule);
  const lines = [`**tapacme: ${escapeMd(rule?.title ?? f.rule)}** ([${f.rule}](${ruleDocUrl(f.rule)}))`, '', escapeMd(rule?.why ?? f.message)];
  const fixes = fixDescriptions(f, settings);
  if (fixes.length > 0) lines.push('', '**Fixes** (Ctrl+. / Cmd+.):', ...fixes.map((d) => `- ${d}`));
  return lines.join('\n');
}

function fixDescriptions(f: Finding, s: Settings): string[] {
  const out: string[] = [];
  if (f.rule === 'http01-solver-missing-service-account') {
    out.push(
      `*Add podTemplate ServiceAccount*: sets \`podTemplate.spec.serviceAccountName: ${s.serviceAccountName}\` (setting \`tapacme.serviceAccountName\`), so the solver Pod runs as a ServiceAccount whose \`imagePullSecrets\` let it pull the solver image.`,
      '*Convert solver to DNS01…*: replaces the `http01` entry with a `dns01` block for the provider you pick; DNS01 starts no solver Pod at all, so there is no image to pull.',
      `*Add ServiceAccount manifest…*: appends a ServiceAccount \`${s.serviceAccountName}\` with \`imagePullSecrets: [{name: ${s.pullSecretName}}]\` (setting \`tapacme.pullSecretName\`) for the namespace you pick; it must exist in every namespace that obtains certificates.`,
    );
  } else if (f.rule === 'service-account-missing-in-namespace') {
    const ns = f.data.namespace;
    out.push(`*Add ServiceAccount manifest*: appends a ServiceAccount \`${f.data.serviceAccount}\`${ns ? ` in namespace \`${ns}\`` : ''} with \`imagePullSecrets: [{name: ${s.pullSecretName}}]\`.`);
  } else if (f.fixes.includes('dns01')) {
    out.push('*Convert solver to DNS01…*: replaces the `http01` entry with a `dns01` block for the provider you pick.');
  }
  return out;
}

function escapeMd(s: string): string {
  return s.replace(/([\\`*_[\]<>])/g, '\\$1');
}
