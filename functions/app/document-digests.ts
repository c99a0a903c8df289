/**
 * Keyed hashes of a document's identity (HMAC-SHA256 with a key of our own, kept in Secrets Manager apart
 * from iDenfy's keys): equal documents give equal digests, and nobody without the key can test a
 * guessed number against them. The digests are personal data: erasure and the retention TTL remove them.
 */
import { createHmac } from 'node:crypto';
import { documentIdentity } from '../domain/documents';

export interface DocumentDigests {
  /** The number alone (one card read twice in one verification). */
  numberDigest: string;
  /** The binding key: issuing country and number, whatever the type. */
  documentDigest: string;
  /** The binding key as the release before this one wrote it (type, country as written, number). */
  legacyDocumentDigest: string;
}

export function documentDigests(
  key: string,
  doc: { number?: string | null; type?: string | null; issuingCountry?: string | null },
): DocumentDigests | null {
  const identity = documentIdentity(doc);
  if (!identity) return null;
  const hmac = (s: string) => createHmac('sha256', key).update(s, 'utf8').digest('hex');
  return {
    numberDigest: hmac(identity.number),
    documentDigest: hmac(identity.document),
    legacyDocumentDigest: hmac(identity.legacy),
  };
}
