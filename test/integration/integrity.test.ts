/**
 * Decision integrity end to end (docs/architecture.md §3, second round), through the local system: the attacks of the
 * integrity issue, each driven as a person would through the simulator, and what the decision says.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { LocalSystem } from '../../local/system';
import { http, startTestSystem, startVerification, twoStepJourney } from './helpers';

jest.setTimeout(60_000);

let system: LocalSystem;
let tableName: string;
const dynamo = new DynamoDBClient({});

beforeAll(async () => {
  system = await startTestSystem('integrity');
  tableName = process.env.TABLE_NAME as string;
});

afterAll(async () => {
  await system?.stop();
});

type Data = Record<string, unknown>;

const journey = (clientId: string, identity: Data, document: Data, start: Data = {}) =>
  twoStepJourney(system, clientId, identity, document, start);

async function tableText(): Promise<string> {
  const items = await dynamo.send(new ScanCommand({ TableName: tableName }));
  return JSON.stringify(items.Items ?? []);
}

describe('document integrity', () => {
  it('by default the second session is a DOCUMENT session and no face verdict is asked of it', async () => {
    const { view, documentSession } = await journey('integrity-no-face-check', {}, {});
    expect(documentSession.tokenType).toBe('DOCUMENT');
    expect(view.status).toBe('VERIFIED');
    expect(view.report.documentChecks).not.toHaveProperty('documentFace');
  });

  it('asks iDenfy for identity documents only in the identity step', async () => {
    const { identity } = await startVerification(system, { clientId: 'integrity-token-types' });
    expect(identity.documents).toEqual(['PASSPORT', 'ID_CARD']);
  });

  it('one residence permit shown in both steps: never VERIFIED', async () => {
    const permit = { docType: 'RESIDENCE_PERMIT', docNumber: 'RP 777 001', docIssuingCountry: 'DE' };
    const { view, event } = await journey('integrity-one-permit', permit, {
      ...permit,
      docNumber: 'rp777001',
    });
    expect(view.status).toBe('REQUIRES_REVIEW');
    expect(view.reasons).toEqual(
      expect.arrayContaining(['IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED', 'SAME_DOCUMENT_TWICE']),
    );
    expect(event?.detail.reasons).toEqual(view.reasons);
    // The number is never stored or published as such: only keyed hashes.
    expect(await tableText()).not.toMatch(/RP ?777 ?001|rp777001/i);
    expect(JSON.stringify(event)).not.toMatch(/777001/);
  });

  it('a residence permit as the identity document: IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED', async () => {
    const { view } = await journey('integrity-permit-as-id', { docType: 'RESIDENCE_PERMIT' }, {});
    expect(view.status).toBe('REQUIRES_REVIEW');
    expect(view.reasons).toEqual(['IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED']);
  });

  it('an ID card and a permit with the same number (labelled differently): SAME_DOCUMENT_TWICE', async () => {
    const { view } = await journey(
      'integrity-equal-numbers',
      { docType: 'ID_CARD', docNumber: 'AB123456', docIssuingCountry: 'LT' },
      { docType: 'RESIDENCE_PERMIT', docNumber: 'AB-123456', docIssuingCountry: 'LT' },
    );
    expect(view.reasons).toEqual(['SAME_DOCUMENT_TWICE']);
  });

  it('the same permit for two clients: the second goes to review; erasure removes the binding', async () => {
    const permit = { docType: 'RESIDENCE_PERMIT', docNumber: 'DE-PERMIT-4242', docIssuingCountry: 'DE' };
    const first = await journey('integrity-client-a', {}, permit);
    expect(first.view.status).toBe('VERIFIED');
    // The same client verifying again with its own permit is not a finding.
    const again = await journey('integrity-client-a', {}, permit);
    expect(again.view.status).toBe('VERIFIED');
    const second = await journey('integrity-client-b', {}, permit);
    expect(second.view.status).toBe('REQUIRES_REVIEW');
    expect(second.view.reasons).toEqual(['DOCUMENT_SEEN_FOR_ANOTHER_CLIENT']);
    expect(JSON.stringify(second.event)).not.toMatch(/DOC#|[0-9a-f]{64}/);

    // Erasing both of client A's verifications removes their bindings (the hash is personal data).
    const bindingsOf = async (id: string) => (await tableText()).split(`"V#${id}"`).length - 1;
    expect(await bindingsOf(first.verificationId)).toBeGreaterThan(1);
    for (const v of [first, again]) {
      expect((await http('DELETE', `${system.apiUrl}/verifications/${v.verificationId}`)).status).toBe(202);
    }
    const items = JSON.parse(await tableText()) as { pk: { S: string }; sk: { S: string } }[];
    const left = items.filter(
      (i) =>
        i.pk.S.startsWith('DOC#') && [first.verificationId, again.verificationId].includes(i.sk.S.slice(2)),
    );
    expect(left).toEqual([]);
    // Client B's binding stays: a third client would still be seen.
    expect(
      items.filter((i) => i.pk.S.startsWith('DOC#') && i.sk.S === `V#${second.verificationId}`).length,
    ).toBe(2);
  });

  it('a date of birth in the year 2999: DATE_OF_BIRTH_IMPLAUSIBLE', async () => {
    const { view } = await journey('integrity-dob', { docDob: '2999-01-01' }, { docDob: '2999-01-01' });
    expect(view.status).toBe('REQUIRES_REVIEW');
    expect(view.reasons).toEqual(['DATE_OF_BIRTH_IMPLAUSIBLE']);
  });

  it('nationalities that differ: NATIONALITY_MISMATCH', async () => {
    const { view } = await journey(
      'integrity-nationality',
      { docNationality: 'UA' },
      { docNationality: 'RU' },
    );
    expect(view.reasons).toEqual(['NATIONALITY_MISMATCH']);
  });
});

describe('names, second generation', () => {
  it('mixed alphabets: a Cyrillic Р inside a Latin name is never a match', async () => {
    const { view } = await journey(
      'integrity-mixed',
      { docFirstName: 'RAUL', docLastName: 'GARCIA' },
      { docFirstName: '\u0420AUL', docLastName: 'GARCIA' },
    );
    expect(view.status).toBe('REQUIRES_REVIEW');
    expect(view.reasons).toEqual(expect.arrayContaining(['NAME_SCRIPT_MIXED', 'FIRST_NAME_PARTIAL_MATCH']));
  });

  it('a prefix that does not fill an MRZ field is not a truncation; one that does is', async () => {
    const full = { docFirstName: 'MARIA DEL CARMEN ESPERANZA', docLastName: 'FERNANDEZ' };
    const prefix = await journey('integrity-prefix', full, {
      ...full,
      docFirstName: 'MARIA DEL CARMEN ESPE',
    });
    expect(prefix.view.status).toBe('REQUIRES_REVIEW');
    expect(prefix.view.reasons).toEqual(['FIRST_NAME_PARTIAL_MATCH']);
    // FERNANDEZ<<MARIA<DEL<CARMEN<ES: 30 characters, a full TD1 name field.
    const cut = await journey('integrity-truncation', full, { ...full, docFirstName: 'MARIA DEL CARMEN ES' });
    expect(cut.view.status).toBe('VERIFIED');
  });

  it('a transliteration-variant pair (ICAO passport, MVD 310 permit) now verifies', async () => {
    const { view } = await journey(
      'integrity-variant',
      { docFirstName: 'IULIIA', docLastName: 'KUZNETSOVA', docNationality: 'RU' },
      { docFirstName: 'YULIYA', docLastName: 'KUZNETSOVA', docNationality: 'RU' },
    );
    expect(view.status).toBe('VERIFIED');
    expect(view.reasons).toEqual([]);
  });
});
