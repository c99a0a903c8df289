/**
 * Keyed hashes of a document's identity (HMAC-SHA256 with a key of our own, kept in Secrets Manager apart
 * from iDenfy's keys): equal documents give equal digests, and nobody without the key can test a
 * guessed number against them. The digests are personal data: erasure and the retention TTL remove them.
 */
import { createHmac } from 'node:crypto';
import { documentIdentity } from '../domain/documents';

export function documentDigests(
  key: string,
  doc: { number?: string | null; type?: string | null; issuingCountry?: string | null },
): { numberDigest: string; documentDigest: string } | null {
  const identity = documentIdentity(doc);
  if (!identity) return null;
  const hmac = (s: string) => createHmac('sha256', key).update(s, 'utf8').digest('hex');
  return { numberDigest: hmac(identity.number), documentDigest: hmac(identity.document) };
}
