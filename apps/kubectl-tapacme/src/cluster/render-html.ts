// `scan -o html`: one self-contained page, the same document as `-o json` embedded as data. One row per
// issuer, its namespaces as chips coloured by state; a click shows that namespace's evidence. Every
// string from the cluster is escaped (HTML text, or JSON with "<" escaped inside the data block), the
// script writes only textContent, and the Content-Security-Policy allows no script or style but the
// page's own two, by hash: an event message that carries markup stays text.
import { createHash } from 'node:crypto';

type Doc = Record<string, unknown>;
type State = 'error' | 'warning' | 'ok';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** JSON that cannot end its <script> element or open a comment: "<" is written as \u003c (U+2028/9 too, for old parsers). */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const sha256 = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d1d1f;background:#fff}
h1{font-size:1.3em}table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.4em .6em;border-bottom:1px solid #ddd}
.ns{display:inline-block;margin:1px;padding:1px 6px;border-radius:3px;border:1px solid #0003;font:12px monospace;cursor:pointer;color:#000}
.error{background:#f4a6a6}.warning{background:#f7d98b}.ok{background:#b9e4b4}.tag{padding:1px 6px;border-radius:3px}
#panel{position:sticky;bottom:0;background:#f6f6f6;border-top:2px solid #999;padding:.6em;white-space:pre-wrap;font:12px monospace;max-height:40vh;overflow:auto}
.legend span{margin-right:1em}.muted{color:#555}`;

const SCRIPT = `(function(){
var doc=JSON.parse(document.getElementById('report').textContent);
var panel=document.getElementById('panel');
function line(t){panel.appendChild(document.createTextNode(t+'\\n'));}
document.addEventListener('click',function(e){
var b=e.target.closest('button.ns');if(!b)return;
var i=doc.issuers[+b.dataset.i],n=i.namespaces[+b.dataset.n];
panel.textContent='';
line((i.namespace?i.kind+' '+i.namespace+'/'+i.name:i.kind+' '+i.name)+' \\u2192 namespace '+n.name);
n.evidence.forEach(function(v){line('  evidence: '+v.kind+' '+v.name+' ('+v.via+')');});
var sa=n.serviceAccount;
if(sa)line('  ServiceAccount '+sa.name+': '+(sa.exists?'exists':'missing')+(sa.imagePullSecrets.length?', pull secrets '+sa.imagePullSecrets.map(function(p){return p.name+(p.exists?'':' (missing)');}).join(', '):''));
n.problems.forEach(function(p){line('  '+p.severity+' '+p.rule+': '+p.message);});
n.failures.forEach(function(f){line('  '+f.kind+' '+f.name+': '+f.reason+(f.message?': '+f.message:''));});
n.certificates.forEach(function(c){line('  Certificate '+c.name+(c.ready?': Ready='+c.ready.status+(c.ready.message?' '+c.ready.message:''):''));});
panel.hidden=false;panel.focus();
});
})();`;

function nsState(n: Doc): State {
  const problems = (n['problems'] as Doc[] | undefined) ?? [];
  if (problems.some((p) => p['severity'] === 'error')) return 'error';
  if (problems.length > 0 || ((n['failures'] as unknown[] | undefined) ?? []).length > 0 || ((n['certificates'] as unknown[] | undefined) ?? []).length > 0) return 'warning';
  return 'ok';
}

/** The page for one scan document (what `-o json` prints). */
export function renderScanHtml(doc: Doc, title = 'tapacme scan'): string {
  const issuers = (doc['issuers'] as Doc[] | undefined) ?? [];
  const summary = (doc['summary'] as Doc | undefined) ?? {};
  const rows = issuers.map((i, ii) => {
    const label = i['namespace'] ? `${i['kind']} ${i['namespace']}/${i['name']}` : `${i['kind']} ${i['name']}`;
    const namespaces = (i['namespaces'] as Doc[] | undefined) ?? [];
    const counts: Record<State, number> = { error: 0, warning: 0, ok: 0 };
    const chips = namespaces.map((n, ni) => {
      const state = nsState(n);
      counts[state]++;
      return `<button class="ns ${state}" data-i="${ii}" data-n="${ni}" title="${escapeHtml(`${n['name']}: ${state}`)}">${escapeHtml(n['name'])}</button>`;
    });
    const ready = i['ready'] as Doc | null;
    return `<tr><td><b>${escapeHtml(label)}</b><br><span class="tag ${i['needsFix'] ? 'error' : 'ok'}">${i['needsFix'] ? 'needs a fix' : 'ok'}</span>${ready ? ` <span class="muted">Ready=${escapeHtml(ready['status'])}${ready['message'] ? ` ${escapeHtml(ready['message'])}` : ''}</span>` : ''}</td>`
      + `<td>${namespaces.length} (${counts.error} error, ${counts.warning} warning, ${counts.ok} ok)</td><td>${chips.join('')}</td></tr>`;
  });
  const warnings = ((doc['warnings'] as unknown[] | undefined) ?? []).map((w) => `<li>${escapeHtml(w)}</li>`).join('');
  const csp = `default-src 'none'; script-src ${sha256(SCRIPT)}; style-src ${sha256(STYLE)}; img-src 'none'; base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(summary['issuers'])} ACME issuers, ${escapeHtml(summary['namespaces'])} namespaces: ${escapeHtml(summary['errors'])} errors, ${escapeHtml(summary['warnings'])} warnings.
<span class="legend"><span class="tag error">error</span><span class="tag warning">warning</span><span class="tag ok">ok</span></span> Click a namespace for its evidence.</p>
${warnings ? `<ul class="muted">${warnings}</ul>` : ''}
<table><thead><tr><th>issuer</th><th>namespaces</th><th></th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
<div id="panel" tabindex="-1" hidden></div>
<script type="application/json" id="report">${scriptJson(doc)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
