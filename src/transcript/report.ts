import fs from 'node:fs'
import type { RunFigures } from './figures.js'
import type { SkippedEntry } from './guest-files.js'
import type { Redactor } from './redact.js'
import type { ReportModel } from './report-model.js'
import type { PhaseRecord } from './phase-clock.js'

export interface ReportInput {
  model: ReportModel
  conclusion: string
  prompt: string
  systemPrompt: string
  /** the host's figures and the cross-check with claude's (absent when main did not get that far) */
  figures?: RunFigures
  /** where the steps' time went (main's phases and the post step's so far) */
  phases?: PhaseRecord
  /** records and session files left out of the artifact, with why */
  skipped: SkippedEntry[]
  /** rows of egress.jsonl / git.jsonl / workspace-changes.jsonl when present */
  egress: Record<string, unknown>[]
  git: Record<string, unknown>[]
  /** rows of github.jsonl: the GitHub gate's reads, queued writes and what was applied */
  github?: Record<string, unknown>[]
  workspace?: Record<string, unknown>[]
}

/** JSON safe inside <script>: no `<` can close the element. */
function embed(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:16px 24px}header h1{margin:0 0 6px;font-size:18px}
.stats{display:flex;flex-wrap:wrap;gap:8px 20px}.stats b{font-weight:600}
main{max-width:1000px;margin:0 auto;padding:16px 24px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:12px 0;padding:10px 14px}
h2{font-size:15px;margin:4px 0 8px}
pre{white-space:pre-wrap;word-break:break-word;margin:4px 0;font:12px/1.4 ui-monospace,monospace;
  background:#f3f4f6;padding:6px;border-radius:4px;max-height:480px;overflow:auto}
.turn{border-left:3px solid #8aa4d6;padding-left:10px;margin:10px 0}.meta{color:#667;font-size:12px}
.tool{border-left-color:#c59b3b}.error{border-left-color:#d04040;background:#fff4f4}
.conclusion-success{color:#7fdc8a}
.conclusion-failure,.conclusion-error,.conclusion-timeout,.conclusion-max-turns,.conclusion-budget-exceeded,.conclusion-invalid-output{color:#ff8f8f}
nav{display:flex;gap:8px;align-items:center;margin:8px 0}button{padding:4px 10px}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{border:1px solid #dde1e7;padding:3px 6px;text-align:left}
.blocked{background:#fff0f0}`

/* The renderer: builds the page from the embedded data with textContent only (no HTML from
   the transcript is ever parsed), a page of events at a time so a 5,000-turn run stays fast. */
const SCRIPT = `
(function(){
const D=JSON.parse(document.getElementById('data').textContent);
const PAGE=200;
function el(tag,cls,text){const e=document.createElement(tag);if(cls)e.className=cls;if(text!==undefined)e.textContent=String(text);return e;}
function pre(text){return el('pre',null,text);}
const results={};for(const e of D.events)if(e.k==='result')results[e.id]=e;
const shown=D.events.filter(e=>e.k==='text'||e.k==='tool'||e.k==='final'||e.k==='usage');
const conv=document.getElementById('conversation');
const pageInfo=document.getElementById('page');let page=0;const pages=Math.max(1,Math.ceil(shown.length/PAGE));
function render(){
  conv.textContent='';
  for(const e of shown.slice(page*PAGE,(page+1)*PAGE)){
    if(e.k==='text'){const d=el('div','turn');d.append(el('div','meta','turn '+e.turn+' · assistant'),pre(e.text));conv.append(d);}
    else if(e.k==='usage'){const d=el('div','meta','turn '+e.turn+' tokens: '+e.input+' in / '+e.output+' out');conv.append(d);}
    else if(e.k==='tool'){const r=results[e.id];const d=el('div','turn tool'+(r&&r.error?' error':''));
      d.append(el('div','meta','turn '+e.turn+' · tool call: '+e.name+(r&&r.error?' (error)':'')),pre(e.input));
      if(r){const det=el('details');det.append(el('summary',null,'output ('+r.output.length+' chars)'),pre(r.output));if(r.error)det.open=true;d.append(det);}
      conv.append(d);}
    else if(e.k==='final'){const d=el('div','turn'+(e.error||!e.claude?' error':''));
      d.append(el('div','meta','result · '+e.subtype+(e.claude?'':' · not from claude (a forged result line)')),pre(e.text));conv.append(d);}
  }
  pageInfo.textContent='page '+(page+1)+' of '+pages+' ('+shown.length+' entries)';
}
document.getElementById('prev').onclick=function(){if(page>0){page--;render();}};
document.getElementById('next').onclick=function(){if(page<pages-1){page++;render();}};
const fin=D.events.filter(e=>e.k==='final'&&e.claude).pop();const F=D.figures;
const stats=document.getElementById('stats');
function stat(k,v){const s=el('span');s.append(el('b',null,k+': '),document.createTextNode(String(v)));stats.append(s);}
const c=el('span','conclusion-'+D.conclusion);c.textContent='conclusion: '+D.conclusion;stats.append(c);
if(F){const by=F.source==='model-proxy'?' (model proxy)':' (claude)';stat('turns'+by,F.turns);stat('tokens'+by,F.inputTokens+' in / '+F.outputTokens+' out');
  stat('cost'+(F.source==='model-proxy'?' (list prices, host)':' (claude)'),'$'+F.costUsd);stat('refused model requests',F.refusedModelRequests);}
else if(fin){stat('turns (claude)',fin.turns);stat('tokens (claude)',fin.input+' in / '+fin.output+' out');stat("cost (claude's figure)",'$'+fin.cost);}
if(fin)stat('duration',(fin.durationMs/1000).toFixed(1)+' s');
stat('tool calls',D.events.filter(e=>e.k==='tool').length);
if(D.sessionId)stat('session',D.sessionId);if(D.model)stat('model',D.model);
document.getElementById('prompt').append(pre(D.prompt||'(not recorded)'));
document.getElementById('system').append(pre(D.systemPrompt||'(none)'));
const checks=(F?F.discrepancies:[]).concat(D.skipped.map(s=>'not in the artifact: '+s.source+' ('+s.reason+')'));
if(checks.length){const sec=document.getElementById('checks');for(const c of checks)sec.append(el('div','turn error',c));}
else document.getElementById('checks').remove();
function table(id,rows,cols,bad){const sec=document.getElementById(id);if(!rows.length){sec.remove();return;}
  const t=el('table');const h=el('tr');for(const c of cols)h.append(el('th',null,c));t.append(h);
  for(const r of rows){const tr=el('tr',bad(r)?'blocked':null);for(const c of cols)tr.append(el('td',null,r[c]===undefined?'':r[c]));t.append(tr);}
  sec.append(t);}
table('egress',D.egress,['time','host','port','method','decision','rule','bytes_up','bytes_down'],r=>r.decision!=='allowed');
const P=D.phases;if(P&&P.phases.length){const total=(P.steps.main||0)+(P.steps.post||0);const timed=P.phases.reduce(function(s,p){return s+p.ms;},0);
  const rows=P.phases.map(function(p){return {phase:p.phase,ms:p.ms};});
  if(total>0)rows.push({phase:'(outside the phases: node start, bundle load)',ms:Math.max(0,total-timed)},{phase:'main + post',ms:total});
  table('phases',rows,['phase','ms'],function(){return false;});}else document.getElementById('phases').remove();
table('git',D.git,['time','service','ref','decision','reason','status'],r=>r.decision==='blocked'||r.decision==='rejected-upstream');
table('github',D.github||[],['time','tool','target','decision','reason','url'],r=>r.decision==='refused'||r.decision==='dropped'||r.decision==='failed');
table('workspace',D.workspace||[],['path','change','verdict','reason'],r=>r.verdict==='refused');
render();
})();`

/**
 * Writes report.html: one self-contained file (no network, no external anything). The page
 * as a whole goes through the redactor too, after every string in `input` was redacted as
 * decoded: a secret is caught whether it reached the page escaped or not.
 */
export function writeReport(file: string, input: ReportInput, redactor?: Redactor): void {
  const data = {
    ...input.model,
    conclusion: input.conclusion,
    prompt: input.prompt,
    systemPrompt: input.systemPrompt,
    figures: input.figures,
    phases: input.phases,
    skipped: input.skipped,
    egress: input.egress,
    git: input.git,
    github: input.github ?? [],
    workspace: input.workspace ?? []
  }
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bot-bottle run report</title><style>${STYLE}</style></head>
<body><header><h1>bot-bottle run</h1><div class="stats" id="stats"></div></header>
<main>
<section><h2>Prompt</h2><div id="prompt"></div></section>
<section><h2>Appended system prompt</h2><div id="system"></div></section>
<section id="checks"><h2>Checks of the record</h2></section>
<section><h2>Conversation</h2>
<nav><button id="prev">◀ previous</button><span id="page"></span><button id="next">next ▶</button></nav><div id="conversation"></div></section>
<section id="egress"><h2>Egress decisions</h2></section>
<section id="git"><h2>Git decisions</h2></section>
<section id="github"><h2>GitHub decisions (the GitHub gate)</h2></section>
<section id="workspace"><h2>Workspace changes (the workspace door)</h2></section>
<section id="phases"><h2>Where the time went (ms)</h2></section>
</main>
<script type="application/json" id="data">${embed(data)}</script>
<script>${SCRIPT}</script>
</body></html>
`
  fs.writeFileSync(file, redactor ? redactor.redact(html) : html, { mode: 0o600 })
}
