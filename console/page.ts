/**
 * The review console's page: the review queue, one verification side by side (both documents and what
 * was claimed, field by field, with each verdict and why), approve or reject with a note, the audit
 * trail, erasure. Plain HTML and script, no build step, no CDN; it calls only its own server's /api.
 */
import { REASON_WORDS } from '../local/reason-words';

export const CONSOLE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>idenfy-multidoc · review console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2430}
header{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;padding:.8rem 1.2rem;background:#f3f4f7;border-bottom:1px solid #d5d8e0}
h1{font-size:1.2rem;margin:0}h2{font-size:1.05rem;margin:1.2rem 0 .4rem}
main{display:grid;grid-template-columns:minmax(22rem,2fr) 3fr;gap:1.2rem;padding:0 1.2rem}
@media (max-width:60rem){main{grid-template-columns:1fr}}
table{border-collapse:collapse;width:100%}td{overflow-wrap:break-word}code{overflow-wrap:anywhere}
.code{display:block;font-size:.75rem;color:#4a5163}td,th{border-bottom:1px solid #d5d8e0;padding:.3rem .4rem;text-align:left;font-size:.9rem;vertical-align:top}
button,input,textarea{font:inherit;padding:.35rem .5rem}button{cursor:pointer}
.queue button{all:unset;cursor:pointer;color:#0b57d0;text-decoration:underline}
.queue tr[aria-current=true]{background:#e8f0fe}
.MATCH,.VERIFIED{color:#0d652d}.MISMATCH,.REJECTED,.EXPIRED{color:#a50e0e}.PARTIAL,.MISSING,.REQUIRES_REVIEW{color:#7a4f01}
.muted{color:#4a5163}.error{color:#a50e0e}code{background:#f3f4f7;padding:0 .2rem;word-break:break-all}
.actions{display:flex;gap:.6rem;flex-wrap:wrap;align-items:end;margin:.6rem 0}label{display:flex;flex-direction:column;font-size:.85rem;color:#3b4352}
.scroll{overflow-x:auto}[hidden]{display:none !important}
@media (max-width:40rem){
  table tr:first-child:has(th[scope=col]){position:absolute;left:-9999px}
  table,tbody,tr,td,th[scope=row]{display:block}tr{border-bottom:1px solid #d5d8e0;padding:.3rem 0}
  td{border:0;padding:.1rem .4rem;overflow-wrap:anywhere}
  td[data-label]::before{content:attr(data-label) ": ";color:#4a5163;font-size:.8rem}
}
</style></head><body>
<header><h1>idenfy-multidoc · review console</h1>
<label>your name (shown in the audit as reviewer) <input id="reviewer" autocomplete="name"></label></header>
<p id="error" class="error" role="alert" aria-live="assertive" style="padding:0 1.2rem"></p>
<main>
<section aria-labelledby="queueTitle">
  <h2 id="queueTitle">Waiting for a person <span id="count" class="muted"></span></h2>
  <div class="scroll"><table class="queue" id="queue"></table></div>
  <button id="more" type="button" hidden>Load more</button>
  <button id="reload" type="button">Reload the queue</button>
  <p class="muted" id="keys">Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous, <kbd>a</kbd> approve, <kbd>r</kbd> reject (each asks first), outside a text field.</p>
</section>
<section id="detail" aria-labelledby="detailTitle" hidden>
  <h2 id="detailTitle">Verification <code id="vid"></code></h2>
  <p><strong id="status"></strong> <span id="reasons"></span></p>
  <h2>Side by side</h2><div class="scroll"><table id="fields"></table></div>
  <h2>Document checks</h2><div class="scroll"><table id="checks"></table></div>
  <h2>Sessions</h2><div class="scroll"><table id="sessions"></table></div>
  <p id="waiting" role="status" hidden></p>
  <div id="decide" class="actions">
    <label style="flex:1">note (kept in the audit trail; redacted if the data is erased)<textarea id="note" rows="2" maxlength="2000"></textarea></label>
    <button id="approve" type="button">Approve</button><button id="reject" type="button">Reject</button>
    <p id="decideError" class="error" role="alert" aria-live="assertive"></p>
  </div>
  <div class="actions"><button id="erase" type="button">Erase personal data…</button>
  <button id="eraseConfirm" type="button" hidden>Yes, erase it now</button></div>
  <h2>Audit trail</h2><div class="scroll"><table id="audit"></table></div>
</section>
</main>
<script>
const $ = (id) => document.getElementById(id);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const FIELDS = { firstName: 'First name', lastName: 'Last name', dateOfBirth: 'Date of birth' };
const METHODS = { exact: 'written the same', missing: 'a side has no value' };
const REASONS = ${JSON.stringify(REASON_WORDS)};
/** A reason in words, its code beneath (what the API and the events say). */
const reasonHtml = (r) => esc(REASONS[r] || r) + '<span class="code">' + esc(r) + '</span>';
/** How long an item has waited since its decision, as a person says it. */
function waited(since) {
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 60000));
  if (minutes < 60) return minutes + ' min';
  if (minutes < 48 * 60) return Math.round(minutes / 60) + ' h';
  return Math.round(minutes / 1440) + ' days';
}
/** Cells that carry their column's name, so a narrow screen can stack them. */
const td = (label, html, cls) => '<td data-label="' + esc(label) + '"' + (cls ? ' class="' + esc(cls) + '"' : '') + '>' + html + '</td>';
let cursor = null;
let current = null;
/** The console's own settings: the pattern of a session's page in iDenfy's dashboard (or null). */
let settings = { dashboardUrl: null };

async function api(method, path, body) {
  const res = await fetch('/api' + path, {
    method,
    headers: Object.assign({ 'x-review-console': '1' }, body ? { 'content-type': 'application/json' } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  const out = await res.json();
  if (!res.ok) throw new Error(out.error ? out.error.code + ': ' + out.error.message : String(res.status));
  return out;
}
const fail = (err) => { $('error').textContent = err.message; };

async function loadQueue(more) {
  $('error').textContent = '';
  const page = await api('GET', '/queue' + (more && cursor ? '?cursor=' + encodeURIComponent(cursor) : ''));
  const rows = page.items.map((i) => '<tr data-id="' + esc(i.verificationId) + '">' +
    td('verification', '<button type="button" data-open="' + esc(i.verificationId) + '">' + esc(i.verificationId.slice(0, 8)) + '…</button>') +
    td('client', esc(i.clientId)) + td('why', i.reasons.map(reasonHtml).join('')) +
    td('waiting', '<span title="' + esc(i.decidedAt) + '">' + esc(waited(i.decidedAt)) + '</span>') + '</tr>');
  const head = '<tr><th scope="col">verification</th><th scope="col">client</th><th scope="col">why</th><th scope="col">waiting</th></tr>';
  $('queue').innerHTML = (more ? $('queue').innerHTML : head) + rows.join('');
  if (!more && page.items.length === 0) $('queue').innerHTML = '<tr><td class="muted">Nobody is waiting for a review.</td></tr>';
  cursor = page.nextCursor;
  $('more').hidden = !cursor;
  $('count').textContent = '(' + $('queue').querySelectorAll('tr[data-id]').length + (cursor ? '+' : '') + ')';
}

/** One row per field: what each document and the claim say, and each comparison's verdict and how. */
function sideBySide(report) {
  const pairs = (report && report.pairs) || {};
  const rows = [];
  for (const field of ['firstName', 'lastName', 'dateOfBirth']) {
    const dd = (pairs['identity~document'] || {})[field];
    const ci = (pairs['claim~identity'] || {})[field];
    const cd = (pairs['claim~document'] || {})[field];
    if (!dd && !ci && !cd) continue;
    const identity = dd ? dd.compared[0] : ci && ci.compared[1];
    const second = dd ? dd.compared[1] : cd && cd.compared[1];
    const claimed = ci ? ci.compared[0] : cd && cd.compared[0];
    const verdict = (c, label) => c ? '<div class="' + esc(c.verdict) + '">' + esc(label) + ': ' + esc(c.verdict) + ' <span class="muted">(' + esc(METHODS[c.method] || c.method) + ')</span></div>' : '';
    rows.push('<tr><th scope="row">' + esc(FIELDS[field]) + '</th>' + td('identity document', esc(identity ?? '—')) + td('second document', esc(second ?? '—')) + td('claimed', esc(claimed ?? '—')) + td('verdicts', verdict(dd, 'documents') + verdict(ci, 'claim ↔ identity') + verdict(cd, 'claim ↔ second')) + '</tr>');
  }
  return rows.length
    ? '<tr><th scope="col">field</th><th scope="col">identity document</th><th scope="col">second document</th><th scope="col">claimed</th><th scope="col">verdicts</th></tr>' + rows.join('')
    : '<tr><td class="muted">No fields were compared (or the data was erased).</td></tr>';
}

function checks(report) {
  const c = (report && report.documentChecks) || {};
  const row = (what, ok, value) => '<tr><th scope="row">' + esc(what) + '</th><td class="' + (ok ? 'MATCH' : 'MISMATCH') + '">' + (ok ? 'ok' : 'not ok') + '</td><td>' + esc(value) + '</td></tr>';
  const rows = [];
  if (c.identityDocumentType) rows.push(row('identity document type', c.identityDocumentType.allowed, c.identityDocumentType.value));
  if (c.documentType) rows.push(row('second document type', c.documentType.allowed, c.documentType.value));
  if (c.validity) rows.push(row('second document valid', c.validity.valid, c.validity.expiryDate));
  if (c.sameDocument !== undefined) rows.push(row('two different documents', !c.sameDocument, ''));
  if (c.seenForAnotherClient !== undefined) rows.push(row('documents not used by another client', !c.seenForAnotherClient, ''));
  if (c.nationality) rows.push(row('nationalities agree', c.nationality.match !== false, (c.nationality.values || []).join(' / ')));
  if (c.documentFace) rows.push(row('face on the second document', c.documentFace.matched, c.documentFace.verdict || 'no verdict'));
  const p = c.proofOfAddress;
  if (p) {
    const said = [
      'on the proof: ' + (p.address || 'none read'),
      'claimed: ' + (p.claimed || 'none'),
      p.differs.length ? 'differs: ' + p.differs.join(', ') : '',
      p.idenfyComparison ? "iDenfy's comparison: " + p.idenfyComparison : '',
      p.tags.length ? 'tags: ' + p.tags.join(', ') : '',
    ];
    const ok = (p.verdict === 'MATCH' || p.verdict === 'NOT_CLAIMED') && p.idenfyComparison !== 'NOT_MATCH' && !p.tags.length;
    rows.push(row('proof of address', ok, said.filter(Boolean).join('; ')));
  }
  return rows.join('') || '<tr><td class="muted">None recorded.</td></tr>';
}

async function open(id) {
  $('error').textContent = '';
  const v = await api('GET', '/verifications/' + encodeURIComponent(id));
  current = v;
  for (const tr of document.querySelectorAll('#queue tr[data-id]')) tr.setAttribute('aria-current', String(tr.dataset.id === id));
  $('detail').hidden = false;
  $('vid').textContent = v.verificationId;
  $('status').textContent = v.status + (v.erased ? ' (erased)' : '');
  $('status').className = v.status;
  $('reasons').innerHTML = v.reasons.map((r) => '<span>' + reasonHtml(r) + '</span>').join('');
  $('fields').innerHTML = sideBySide(v.report);
  $('checks').innerHTML = checks(v.report);
  const tags = (s) => s && [...(s.fraudTags || []), ...(s.mismatchTags || [])].length ? [...(s.fraudTags || []), ...(s.mismatchTags || [])].map(esc).join(', ') : '—';
  const scanRefCell = (s) => {
    if (!s) return '';
    const code = '<code>' + esc(s.scanRef) + '</code>';
    if (!settings.dashboardUrl) return code;
    const href = settings.dashboardUrl.replaceAll('{scanRef}', encodeURIComponent(s.scanRef));
    return code + ' <a href="' + esc(href) + '" target="_blank" rel="noopener noreferrer">open in iDenfy</a>';
  };
  $('sessions').innerHTML = '<tr><th scope="col">session</th><th scope="col">iDenfy says</th><th scope="col">iDenfy tags</th><th scope="col">document</th><th scope="col">scanRef</th></tr>' +
    Object.entries(v.sessions).map(([role, s]) => '<tr>' + td('session', esc(role)) + td('iDenfy says', esc(s ? s.overall || '—' : 'none')) + td('iDenfy tags', tags(s)) + td('document', esc(s && s.docType)) + td('scanRef', scanRefCell(s)) + '</tr>').join('');
  $('audit').innerHTML = v.audit.length
    ? '<tr><th scope="col">when</th><th scope="col">what</th><th scope="col">by</th><th scope="col">reviewer</th><th scope="col">note</th></tr>' + v.audit.map((a) => '<tr>' + td('when', esc(a.at)) + td('what', esc(a.action) + (a.to ? ' → ' + esc(a.to.status) : '')) + td('by', esc(a.by ?? '(not authenticated: local)')) + td('reviewer', esc(a.reviewer)) + td('note', esc(a.note)) + '</tr>').join('')
    : '<tr><td class="muted">Nothing yet.</td></tr>';
  $('decide').hidden = v.status !== 'REQUIRES_REVIEW' || v.erased;
  // A risky reason (secondApprovalReasons): one approval is recorded, a second, different reviewer decides.
  $('waiting').hidden = !v.awaitingSecondApproval;
  $('waiting').textContent = v.awaitingSecondApproval
    ? 'Approved once by ' + v.firstApproval.reviewer + ' (' + v.firstApproval.at + '): a second, different reviewer decides. Reject decides at once.'
    : '';
  $('erase').hidden = v.erased || v.status === 'PENDING';
  $('eraseConfirm').hidden = true;
}

async function decide(decision) {
  const reviewer = $('reviewer').value.trim();
  $('decideError').textContent = '';
  if (!reviewer) {
    $('reviewer').setAttribute('aria-invalid', 'true');
    $('reviewer').focus();
    $('decideError').textContent = 'Give your name first (at the top: it goes in the audit trail as the reviewer).';
    return;
  }
  $('reviewer').removeAttribute('aria-invalid');
  localStorage.setItem('reviewer', reviewer);
  const note = $('note').value.trim();
  try {
    await api('POST', '/verifications/' + encodeURIComponent(current.verificationId) + '/review', Object.assign({ decision, reviewer }, note ? { note } : {}));
  } catch (err) {
    // Said beside the buttons pressed, not at the top of the page.
    $('decideError').textContent = err.message;
    return;
  }
  $('note').value = '';
  await open(current.verificationId);
  await loadQueue(false);
}

$('queue').addEventListener('click', (ev) => { const id = ev.target.dataset && ev.target.dataset.open; if (id) open(id).catch(fail); });
$('more').addEventListener('click', () => loadQueue(true).catch(fail));
$('reload').addEventListener('click', () => loadQueue(false).catch(fail));
$('approve').addEventListener('click', () => decide('APPROVE').catch(fail));
$('reject').addEventListener('click', () => decide('REJECT').catch(fail));
$('erase').addEventListener('click', () => { $('eraseConfirm').hidden = false; $('eraseConfirm').focus(); });
$('eraseConfirm').addEventListener('click', async () => {
  try {
    await api('DELETE', '/verifications/' + encodeURIComponent(current.verificationId));
    await open(current.verificationId);
    await loadQueue(false);
  } catch (err) { fail(err); }
});
// Keyboard: j/k move through the queue, a/r approve/reject after a confirmation. Never while typing.
document.addEventListener('keydown', (ev) => {
  const typing = ev.target.closest && ev.target.closest('input, textarea, select, [contenteditable]');
  if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const ids = [...document.querySelectorAll('#queue tr[data-id]')].map((tr) => tr.dataset.id);
  const at = current ? ids.indexOf(current.verificationId) : -1;
  if (ev.key === 'j' || ev.key === 'k') {
    const next = ids[ev.key === 'j' ? Math.min(at + 1, ids.length - 1) : Math.max(at - 1, 0)];
    if (next) { ev.preventDefault(); open(next).then(() => $('vid').scrollIntoView({ block: 'nearest' })).catch(fail); }
    return;
  }
  if ((ev.key === 'a' || ev.key === 'r') && current && !$('decide').hidden) {
    ev.preventDefault();
    const decision = ev.key === 'a' ? 'APPROVE' : 'REJECT';
    if (confirm((decision === 'APPROVE' ? 'Approve' : 'Reject') + ' verification ' + current.verificationId + '?')) decide(decision).catch(fail);
  }
});
$('reviewer').value = localStorage.getItem('reviewer') || '';
api('GET', '/settings').then((s) => { settings = s; }).catch(fail);
loadQueue(false).catch(fail);
</script></body></html>`;
