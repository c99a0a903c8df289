/**
 * `documentSessionFaceCheck` (the integrity issue's option): the second session is an IDENTIFICATION
 * session, a selfie matched to the second document's portrait, and its face verdict decides too.
 */
import type { LocalSystem } from '../../local/system';
import { startTestSystem, twoStepJourney } from './helpers';

jest.setTimeout(60_000);

let faceCheck: LocalSystem;

beforeAll(async () => {
  faceCheck = await startTestSystem('face', { context: { documentSessionFaceCheck: true } });
});

afterAll(async () => {
  await faceCheck?.stop();
});

describe('documentSessionFaceCheck on', () => {
  it('the second session takes a selfie too, and a face match verifies', async () => {
    const { view, documentSession } = await twoStepJourney(faceCheck, 'face-match', {}, {});
    expect(documentSession.tokenType).toBe('IDENTIFICATION');
    expect(documentSession.documents).toEqual(['RESIDENCE_PERMIT']);
    expect(view.status).toBe('VERIFIED');
    expect(view.report.documentChecks?.documentFace).toEqual({ verdict: 'FACE_MATCH', matched: true });
  });

  it('an uncertain face on the permit goes to a person: DOCUMENT_FACE_NOT_MATCHED', async () => {
    const { view, event } = await twoStepJourney(
      faceCheck,
      'face-uncertain',
      {},
      {},
      {},
      { face: 'FACE_UNCERTAIN' },
    );
    expect(view.status).toBe('REQUIRES_REVIEW');
    expect(view.reasons).toEqual(['DOCUMENT_FACE_NOT_MATCHED']);
    expect(event?.detail.reasons).toEqual(['DOCUMENT_FACE_NOT_MATCHED']);
  });

  it('no face verdict at all (a session without a selfie) is not a match', async () => {
    const { view } = await twoStepJourney(
      faceCheck,
      'face-missing',
      {},
      {},
      {},
      { face: 'FACE_NOT_CHECKED' },
    );
    expect(view.status).toBe('REQUIRES_REVIEW');
    expect(view.reasons).toContain('DOCUMENT_FACE_NOT_MATCHED');
    expect(view.report.documentChecks?.documentFace).toEqual({ verdict: 'FACE_NOT_CHECKED', matched: false });
  });
});
