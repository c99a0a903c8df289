/**
 * The simulator's stand-in for iDenfy's hosted flow (`/api/v2/redirect?authToken=`): the person
 * picks the outcome and may edit the data "read from the document", then is redirected as iDenfy does.
 */
import { type CompleteRequest, configuredSteps, defaultData, type SessionFacts } from './webhook-payload';

const EDITABLE = ['docFirstName', 'docLastName', 'docDob', 'docExpiry', 'docType', 'docNationality'] as const;
const OUTCOMES = [
  ['APPROVED', 'Approved: the checks pass'],
  ['SUSPECTED', 'Suspected: checks pass, a fraud or mismatch tag is raised'],
  ['DENIED', 'Denied: a face or document check fails'],
  ['LEAVE', 'Leave without finishing (unverified)'],
] as const;

const STEP_VERDICTS = [
  ['VALID', 'Uploaded, and iDenfy accepts it'],
  ['INVALID', 'Uploaded, but iDenfy refuses it'],
  ['NOT_FOUND', 'Nothing uploaded'],
] as const;

const escapeHtml = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function hostedPage(session: (SessionFacts & { state: string }) | undefined): string {
  if (session?.state !== 'ACTIVE') {
    return page('Session expired', '<p>This verification link is not valid any more.</p>');
  }
  const data = defaultData(session);
  const step =
    session.tokenType === 'DOCUMENT' ? 'Document verification' : 'Identity verification (document + selfie)';
  const outcomes = OUTCOMES.map(
    ([value, label], i) =>
      `<label><input type="radio" name="outcome" value="${value}"${i === 0 ? ' checked' : ''}> ${escapeHtml(label)}</label>`,
  ).join('');
  const fields = EDITABLE.map(
    (f) => `<label>${f} <input name="${f}" value="${escapeHtml(data[f])}" data-field="${f}"></label>`,
  ).join('');
  const extra = additionalStepsFieldset(session);
  return page(
    step,
    `<p class="muted">iDenfy simulator · ${escapeHtml(session.tokenType)} session · client <code>${escapeHtml(session.clientId)}</code></p>
<form method="post">
  <fieldset><legend>Outcome</legend>${outcomes}
    <label><input type="checkbox" name="manualReview" value="1"> Manual review (an automatic <code>final:false</code> result first)</label>
  </fieldset>
  <fieldset><legend>Data read from the document</legend>${fields}</fieldset>${extra}
  <button type="submit" id="finish">Finish</button>
</form>`,
  );
}

/**
 * The additional steps the token asked for (iDenfy shows each as an upload screen): what the person
 * uploaded, and for a proof of address (UTILITY_BILL) the address read from it and its age.
 */
function additionalStepsFieldset(session: SessionFacts): string {
  const steps = configuredSteps(session.request.additionalSteps);
  if (!steps) return '';
  const names = Object.entries(steps)
    .map(([name, type]) => `<code>${escapeHtml(name)}</code> (${escapeHtml(type)})`)
    .join(', ');
  const verdicts = STEP_VERDICTS.map(
    ([value, label], i) =>
      `<label><input type="radio" name="additionalStepStatus" value="${value}"${i === 0 ? ' checked' : ''}> ${escapeHtml(label)}</label>`,
  ).join('');
  const sent = (session.request.additionalData as { UTILITY_BILL?: { address?: unknown } } | null)
    ?.UTILITY_BILL?.address;
  const proof = steps.UTILITY_BILL
    ? `<label>address read from the proof of address <input name="utilityBillAddress" value="${escapeHtml(sent ?? '')}" placeholder="as written on the bill"></label>
    <label><input type="checkbox" name="utilityBillTooOld" value="1"> The bill is too old (<code>EXPIRED_UTILITY_BILL</code>)</label>`
    : '';
  return `
  <fieldset><legend>Additional steps: ${names}</legend>${verdicts}${proof}</fieldset>`;
}

/** Reads the hosted form; `undefined` when the person left without finishing. */
export function fromHostedForm(body: Buffer): CompleteRequest | undefined {
  const form = new URLSearchParams(body.toString('utf8'));
  const outcome = form.get('outcome') ?? 'APPROVED';
  if (outcome === 'LEAVE') return undefined;
  const data: Record<string, string | null> = {};
  for (const f of EDITABLE) if (form.has(f)) data[f] = form.get(f) || null;
  const stepStatus = form.get('additionalStepStatus');
  const address = form.get('utilityBillAddress');
  return {
    overall: outcome as CompleteRequest['overall'],
    manualReview: form.get('manualReview') === '1',
    data: {
      ...data,
      ...(address !== null
        ? { additionalData: { UTILITY_BILL: { address: { value: address || null, status: null } } } }
        : {}),
    },
    ...(stepStatus === 'VALID' || stepStatus === 'INVALID' || stepStatus === 'NOT_FOUND'
      ? { additionalStepStatus: stepStatus }
      : {}),
    ...(form.get('utilityBillTooOld') === '1' ? { mismatchTags: ['EXPIRED_UTILITY_BILL'] } : {}),
  };
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
fieldset{border:1px solid #ccd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}label{display:block;margin:.35rem 0}
input:not([type]){width:100%;padding:.3rem;box-sizing:border-box}button{padding:.5rem 1.2rem;font-size:1rem}
.muted{color:#667}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}
