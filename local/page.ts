/**
 * The local page at `/`: start a verification, follow it into the simulator's hosted flow, watch its
 * status, sessions and match report live. Plain HTML and script: no build step, no CDN.
 */
import type { ExtraRoute } from './http-api';

const HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>idenfy-multidoc · local</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.45 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
h1{font-size:1.4rem}form{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.6rem;align-items:end}
label{display:flex;flex-direction:column;font-size:.85rem;color:#445}input,select,button{font:inherit;padding:.35rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0}td,th{border-bottom:1px solid #dde;padding:.3rem .4rem;text-align:left;font-size:.9rem}
.status{font-weight:700;font-size:1.2rem}.VERIFIED{color:#137333}.REJECTED,.EXPIRED{color:#b3261e}.REQUIRES_REVIEW{color:#9a6700}.PENDING{color:#555}
.error{color:#b3261e}.muted{color:#667}code{background:#f3f4f7;padding:0 .2rem}
</style></head><body>
<h1>idenfy-multidoc — local</h1>
<p class="muted">Starts a verification against the local API; the iDenfy simulator plays iDenfy's hosted flow.</p>
<form id="start">
  <label>clientId <input name="clientId" required value="demo-user"></label>
  <label>first name <input name="firstName" placeholder="optional"></label>
  <label>last name <input name="lastName" placeholder="optional"></label>
  <label>date of birth <input name="dateOfBirth" placeholder="YYYY-MM-DD"></label>
  <label>method <select name="method"><option>TWO_SESSIONS</option><option>ADDITIONAL_STEP</option></select></label>
  <button type="submit" id="startButton">Start verification</button>
</form>
<p id="error" class="error"></p>
<section id="current" hidden>
  <p>Verification <code id="vid"></code>: <span id="status" class="status"></span> <span id="reasons" class="muted"></span></p>
  <p><a id="flow" href="#">Continue at iDenfy (simulator) →</a></p>
  <h2>Sessions</h2><table id="sessions"></table>
  <h2>Match report</h2><table id="report"></table>
</section>
<script>
const KEY = 'idenfy-multidoc:verificationId';
const $ = (id) => document.getElementById(id);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
let timer;
$('start').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('error').textContent = '';
  const body = {};
  for (const [k, v] of new FormData(ev.target)) if (v) body[k] = v;
  const back = location.origin + '/?result=';
  Object.assign(body, { successUrl: back + 'success', errorUrl: back + 'error', unverifiedUrl: back + 'unverified' });
  const res = await fetch('/verifications', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const out = await res.json();
  if (!res.ok) { $('error').textContent = out.error ? out.error.message : res.status; return; }
  sessionStorage.setItem(KEY, out.verificationId);
  $('flow').href = out.redirectUrl;
  watch(out.verificationId);
});
async function refresh(id) {
  const res = await fetch('/verifications/' + encodeURIComponent(id));
  if (!res.ok) return;
  const v = await res.json();
  $('current').hidden = false;
  $('vid').textContent = v.verificationId;
  $('status').textContent = v.status;
  $('status').className = 'status ' + v.status;
  $('reasons').textContent = v.reasons.length ? v.reasons.join(', ') : '';
  $('flow').hidden = v.status !== 'PENDING' || !$('flow').href.includes('authToken');
  const rows = [['', 'scanRef', 'overall', 'final', 'docType']];
  for (const [name, s] of Object.entries(v.sessions)) rows.push(s ? [name, s.scanRef, s.overall, s.final, s.docType] : [name, '—', '', '', '']);
  $('sessions').innerHTML = rows.map((r, i) => '<tr>' + r.map((c) => (i ? '<td>' : '<th>') + esc(c)).join('') + '</tr>').join('');
  const report = [['pair', 'field', 'verdict', 'score', 'method', 'compared']];
  for (const [pair, fields] of Object.entries((v.report && v.report.pairs) || {})) {
    for (const [field, c] of Object.entries(fields)) report.push([pair, field, c.verdict, c.score, c.method, (c.compared || []).join(' ↔ ')]);
  }
  const dc = v.report && v.report.documentChecks;
  if (dc) {
    report.push(['document', 'type', dc.documentType.allowed ? 'ALLOWED' : 'NOT ALLOWED', '', '', dc.documentType.value]);
    report.push(['document', 'validity', dc.validity.valid ? 'VALID' : 'EXPIRED/MISSING', '', '', dc.validity.expiryDate]);
  }
  $('report').innerHTML = report.length > 1
    ? report.map((r, i) => '<tr>' + r.map((c) => (i ? '<td>' : '<th>') + esc(c)).join('') + '</tr>').join('')
    : '<tr><td class="muted">No report yet: waiting for both final results.</td></tr>';
  if (v.status !== 'PENDING') clearInterval(timer);
}
function watch(id) {
  clearInterval(timer);
  refresh(id);
  timer = setInterval(() => refresh(id), 1000);
}
const resumed = sessionStorage.getItem(KEY);
if (resumed) watch(resumed);
</script></body></html>`;

export const localPage: ExtraRoute = (req, res, url) => {
  if (req.method !== 'GET' || url.pathname !== '/') return false;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(HTML);
  return true;
};
