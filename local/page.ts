/**
 * The local page at `/`: start a verification, follow it into the simulator's hosted flow, watch its
 * steps, status and match report live, resume or cancel it, and see the client's verifications.
 * The verification is in the URL (`/?verification=<id>`), so a reload, a new tab or a shared link shows
 * it. Plain HTML and script: no build step, no CDN.
 */
import type { ExtraRoute } from './http-api';
import { REASON_WORDS } from './reason-words';

/** A small favicon (an SVG check mark), so browsers do not ask for a missing /favicon.ico. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b57d0"/><path d="M4 8.5l2.5 2.5L12 5.5" stroke="#fff" stroke-width="2" fill="none"/></svg>';

const HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>idenfy-multidoc · local</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
body{font:15px/1.45 system-ui,sans-serif;max-width:52rem;margin:1.5rem auto;padding:0 1rem;color:#1d2430}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.4rem}
form{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.6rem;align-items:end}
label{display:flex;flex-direction:column;font-size:.85rem;color:#3b4352}input,select,button{font:inherit;padding:.4rem}
button{cursor:pointer}.primary{background:#0b57d0;color:#fff;border:1px solid #0b57d0;border-radius:.3rem;padding:.45rem .9rem;text-decoration:none}input[aria-invalid=true]{outline:2px solid #b3261e}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;margin:.6rem 0}
td,th{border-bottom:1px solid #d5d8e0;padding:.3rem .4rem;text-align:left;font-size:.9rem;vertical-align:top}
.status{font-weight:700;font-size:1.2rem}.VERIFIED,.MATCH{color:#0d652d}.REJECTED,.EXPIRED,.MISMATCH{color:#a50e0e}
.REQUIRES_REVIEW,.PARTIAL,.MISSING{color:#7a4f01}.PENDING{color:#3b4352}
.error{color:#a50e0e}.muted{color:#4a5163}code{background:#f3f4f7;padding:0 .2rem;word-break:break-all}
ol.steps{display:flex;gap:.4rem;padding:0;list-style:none;flex-wrap:wrap}
ol.steps li{padding:.25rem .6rem;border-radius:1rem;background:#eef0f4;color:#3b4352;font-size:.85rem}
ol.steps li.done{background:#d7f0dd;color:#0d652d}ol.steps li.now{background:#0b57d0;color:#fff}
ol.steps li.moot{background:#f3f4f7;color:#4a5163}
.actions{display:flex;gap:.6rem;flex-wrap:wrap;align-items:center}
@media (max-width:40rem){
  table tr:first-child:has(th){position:absolute;left:-9999px}
  table,tbody,tr,td{display:block}tr{border-bottom:1px solid #d5d8e0;padding:.3rem 0}
  td{border:0;padding:.1rem .4rem;overflow-wrap:anywhere}
  td[data-label]::before{content:attr(data-label) ": ";color:#4a5163;font-size:.8rem}
}
</style></head><body><main>
<h1>idenfy-multidoc — local</h1>
<p class="muted">Starts a verification against the local API; the iDenfy simulator plays iDenfy's hosted flow.</p>
<form id="start" novalidate>
  <label>client id <input name="clientId" required value="demo-user" autocomplete="off"></label>
  <label>first name <input name="firstName" placeholder="optional" autocomplete="off"></label>
  <label>last name <input name="lastName" placeholder="optional" autocomplete="off"></label>
  <label>date of birth <input name="dateOfBirth" placeholder="YYYY-MM-DD" autocomplete="off"></label>
  <label>address <input name="address" placeholder="optional: checked against a proof of address" autocomplete="off"></label>
  <label>plan <select name="plan"><option value="two-documents">two-documents: identity, then a residence permit</option><option value="with-proof-of-address">with-proof-of-address: the permit session also asks for a utility bill</option><option value="additional-step">additional-step: one session, an uploaded extra document</option></select></label>
  <button type="submit" id="startButton" class="primary">Start verification</button>
</form>
<p id="error" class="error" role="alert" aria-live="assertive"></p>
<section id="current" hidden aria-labelledby="currentTitle">
  <h2 id="currentTitle">Verification <code id="vid"></code></h2>
  <ol class="steps" id="steps" aria-label="Steps"></ol>
  <p aria-live="polite"><span id="status" class="status"></span> <span id="summary"></span></p>
  <div class="actions">
    <a id="flow" class="primary" hidden>Continue at iDenfy (simulator) →</a>
    <button id="resume" type="button" hidden>Resume where I left off</button>
    <button id="cancel" type="button" hidden>Cancel this verification</button>
  </div>
  <h2>Sessions</h2><div class="scroll"><table id="sessions"></table></div>
  <h2>Match report</h2><div class="scroll"><table id="report"></table></div>
</section>
<section id="mine" hidden aria-labelledby="mineTitle">
  <h2 id="mineTitle">This client's verifications</h2><div class="scroll"><table id="list"></table></div>
</section>
</main>
<script>
const KEY = 'idenfy-multidoc:verificationId';
const $ = (id) => document.getElementById(id);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const PAIRS = { 'identity~document': 'identity document ↔ second document', 'claim~identity': 'what was claimed ↔ identity document', 'claim~document': 'what was claimed ↔ second document' };
const FIELDS = { firstName: 'First name', lastName: 'Last name', dateOfBirth: 'Date of birth' };
const VERDICTS = { MATCH: 'matches', PARTIAL: 'partly matches', MISMATCH: 'differs', MISSING: 'is missing' };
const REASONS = ${JSON.stringify(REASON_WORDS)};
const OUTCOMES = { VERIFIED: 'Verified: both documents show the same person.', REJECTED: 'Rejected', EXPIRED: 'Ended without a decision', REQUIRES_REVIEW: 'A person will review it', PENDING: 'In progress' };
let timer;
let current;
/** The verification the continue link belongs to: the link comes only from the API (a start or a resume). */
let flowFor = null;
/** The person typed a client id: a refresh never overwrites it. */
let clientTyped = false;
$('start').elements.clientId.addEventListener('input', () => { clientTyped = true; });

function showError(message, field) {
  $('error').textContent = message;
  for (const input of document.querySelectorAll('#start input')) input.removeAttribute('aria-invalid');
  const faulty = field && document.querySelector('#start [name="' + field + '"]');
  if (faulty) { faulty.setAttribute('aria-invalid', 'true'); faulty.focus(); }
}

async function start(body) {
  const back = location.origin + '/?result=';
  Object.assign(body, { successUrl: back + 'success', errorUrl: back + 'error', unverifiedUrl: back + 'unverified' });
  const res = await fetch('/verifications', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const out = await res.json();
  if (!res.ok) {
    const detail = out.error && out.error.details && out.error.details[0];
    showError(out.error ? out.error.message : String(res.status), detail && detail.field);
    return;
  }
  // null: nowhere to send the person (the identity step was denied, or its link is used up).
  showError(out.redirectUrl ? '' : 'Nothing to continue at iDenfy: the identity step was not accepted; the decision follows.');
  if (out.redirectUrl) { $('flow').href = out.redirectUrl; flowFor = out.verificationId; }
  else { $('flow').removeAttribute('href'); flowFor = null; }
  clientTyped = false;
  follow(out.verificationId);
}

$('start').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const body = {};
  for (const [k, v] of new FormData(ev.target)) if (v) body[k] = v;
  start(body);
});
$('resume').addEventListener('click', () => current && start({ clientId: current.clientId }));
$('cancel').addEventListener('click', async () => {
  if (!current) return;
  if (!confirm('Cancel this verification? It ends without a decision and cannot be resumed; the client may start again.')) return;
  const res = await fetch('/verifications/' + encodeURIComponent(current.verificationId) + '/cancel', { method: 'POST' });
  if (!res.ok) { const out = await res.json(); showError(out.error ? out.error.message : String(res.status)); }
  refresh(current.verificationId);
});

/** Plain words for the decision: what happened, and for each field that did not match, what each side says. */
const FIELD_REASONS = ['FIRST_NAME_MISMATCH', 'LAST_NAME_MISMATCH', 'DATE_OF_BIRTH_MISMATCH', 'FIRST_NAME_PARTIAL_MATCH', 'LAST_NAME_PARTIAL_MATCH'];
function summary(v) {
  // A field's own line below says what differs, and where: its reason is not said twice.
  const detailed = Object.keys((v.report && v.report.pairs) || {}).length > 0;
  const parts = new Set(v.reasons.filter((r) => !(detailed && FIELD_REASONS.includes(r))).map((r) => REASONS[r] || r));
  for (const [pair, fields] of Object.entries((v.report && v.report.pairs) || {})) {
    for (const [field, c] of Object.entries(fields)) {
      if (c.verdict === 'MATCH') continue;
      const [a, b] = c.compared || [];
      parts.add((FIELDS[field] || field) + ' ' + (VERDICTS[c.verdict] || c.verdict) + ' (' + (PAIRS[pair] || pair) + ': ' + (a || '—') + ' / ' + (b || '—') + ')');
    }
  }
  // A reviewer's verdict is said first, with what they looked at after it.
  const reviewed = v.reasons[0] === 'MANUAL_REVIEW_APPROVED' ? 'Approved by a reviewer' : v.reasons[0] === 'MANUAL_REVIEW_REJECTED' ? 'Rejected by a reviewer' : null;
  if (reviewed) {
    parts.delete(REASONS[v.reasons[0]]);
    return parts.size === 0 ? reviewed + '.' : reviewed + ', after: ' + [...parts].join('; ') + '.';
  }
  const head = OUTCOMES[v.status] || v.status;
  return v.status === 'VERIFIED' || parts.size === 0 ? head : head + ': ' + [...parts].join('; ') + '.';
}

/**
 * A table whose cells carry their column's name (data-label): on a narrow screen each row stacks as
 * "name: value" lines instead of scrolling sideways. A cell is text, or { text | html, cls }.
 */
function tableHtml(headers, rows) {
  const cell = (c, i) => {
    const o = typeof c === 'object' && c !== null ? c : { text: c };
    return '<td data-label="' + esc(headers[i]) + '"' + (o.cls ? ' class="' + esc(o.cls) + '"' : '') + '>' + (o.html !== undefined ? o.html : esc(o.text)) + '</td>';
  };
  return '<tr>' + headers.map((h) => '<th scope="col">' + esc(h) + '</th>').join('') + '</tr>' + rows.map((r) => '<tr>' + r.map(cell).join('') + '</tr>').join('');
}

/** A step is done when iDenfy has its final result; a decision without it leaves it not done (ended) or not needed. */
function steps(v) {
  const decided = v.status !== 'PENDING';
  const moot = v.status === 'EXPIRED' ? 'not done' : 'not needed';
  const sessionDone = (s) => Boolean(s && s.final);
  const list = [['Identity document and selfie', sessionDone(v.sessions.identity)]];
  if (v.method === 'TWO_SESSIONS') list.push(['Second document', sessionDone(v.sessions.document)]);
  list.push(['Decision', decided]);
  let nowMarked = decided;
  return list.map(([label, done]) => {
    const now = !done && !nowMarked; if (now) nowMarked = true;
    const mark = done ? ' ✓' : decided ? ' (' + moot + ')' : '';
    return '<li class="' + (done ? 'done' : now ? 'now' : decided ? 'moot' : '') + '"' + (now ? ' aria-current="step"' : '') + '>' + esc(label) + mark + '</li>';
  }).join('');
}

async function refresh(id) {
  const res = await fetch('/verifications/' + encodeURIComponent(id));
  if (!res.ok) { if (res.status === 404) showError('Verification ' + id + ' not found.'); return; }
  const v = await res.json();
  // A verification opened from the URL: the form names its client (so Resume and Start act for it).
  if ((!current || current.verificationId !== v.verificationId) && !clientTyped) $('start').elements.clientId.value = v.clientId;
  current = v;
  $('current').hidden = false;
  $('vid').textContent = v.verificationId;
  $('steps').innerHTML = steps(v);
  $('status').textContent = v.status;
  $('status').className = 'status ' + v.status;
  $('summary').textContent = summary(v);
  const pending = v.status === 'PENDING';
  // Opened from its URL, the page has no link yet: Resume asks the API for the step the person is at.
  const linked = pending && flowFor === v.verificationId;
  $('flow').hidden = !linked;
  $('resume').hidden = !pending;
  $('resume').textContent = linked ? 'Resume where I left off' : 'Continue where I left off';
  $('cancel').hidden = !pending;
  const sessionRows = Object.entries(v.sessions).map(([name, s]) => {
    const label = name === 'identity' ? 'identity' : 'second document';
    return s ? [label, s.scanRef, s.overall || '—', s.final ? 'yes' : 'no', s.docType] : [label, 'not created yet', '', '', ''];
  });
  $('sessions').innerHTML = tableHtml(['session', 'scanRef', 'iDenfy says', 'final', 'document'], sessionRows);
  const report = [];
  for (const [pair, fields] of Object.entries((v.report && v.report.pairs) || {})) {
    for (const [field, c] of Object.entries(fields)) report.push([PAIRS[pair] || pair, FIELDS[field] || field, { text: c.verdict + ' — ' + (VERDICTS[c.verdict] || ''), cls: c.verdict }, c.method, (c.compared || []).join(' ↔ ')]);
  }
  const dc = v.report && v.report.documentChecks;
  if (dc && dc.documentType) report.push(['second document', 'type', { text: dc.documentType.allowed ? 'allowed' : 'not allowed', cls: dc.documentType.allowed ? 'MATCH' : 'MISMATCH' }, '', dc.documentType.value]);
  if (dc && dc.validity) report.push(['second document', 'validity', { text: dc.validity.valid ? 'valid' : 'expired or missing', cls: dc.validity.valid ? 'MATCH' : 'MISMATCH' }, '', dc.validity.expiryDate]);
  $('report').innerHTML = report.length
    ? tableHtml(['compared', 'field', 'verdict', 'how', 'as written'], report)
    : '<tr><td class="muted">' + (pending ? 'No report yet: waiting for both final results.' : 'Decided without comparing the documents (' + esc(v.reasons.map((r) => REASONS[r] || r).join('; ')) + ').') + '</td></tr>';
  listClient(v);
  if (!pending) clearInterval(timer);
}

async function listClient(v) {
  const res = await fetch('/verifications?clientId=' + encodeURIComponent(v.clientId) + '&limit=10');
  if (!res.ok) return;
  const out = await res.json();
  // The list read later than the verification: if it already knows a decision, show that now (one status on the page).
  const mine = out.items.find((i) => i.verificationId === v.verificationId);
  if (mine && v.status === 'PENDING' && mine.status !== 'PENDING' && current === v) { refresh(v.verificationId); return; }
  $('mine').hidden = out.items.length === 0;
  $('list').innerHTML = tableHtml(['verification', 'status', 'started'], out.items.map((i) => [
    { html: '<a href="/?verification=' + encodeURIComponent(i.verificationId) + '">' + esc(i.verificationId) + '</a>' },
    { text: i.status, cls: i.status },
    i.createdAt,
  ]));
}

function follow(id) {
  sessionStorage.setItem(KEY, id);
  const url = new URL(location.href);
  url.searchParams.delete('result');
  url.searchParams.set('verification', id);
  history.replaceState(null, '', url);
  clearInterval(timer);
  refresh(id);
  timer = setInterval(() => refresh(id), 1000);
}

const shown = new URLSearchParams(location.search).get('verification') || sessionStorage.getItem(KEY);
if (shown) follow(shown);
</script></body></html>`;

export const localPage: ExtraRoute = (req, res, url) => {
  if (req.method !== 'GET') return false;
  if (url.pathname === '/favicon.svg' || url.pathname === '/favicon.ico') {
    res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' });
    res.end(FAVICON);
    return true;
  }
  if (url.pathname !== '/') return false;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(HTML);
  return true;
};
