/** iDenfy keys and the continue-link key, from Secrets Manager, cached by Powertools Parameters. */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod/mini';
import type { IdenfySecrets } from '../app/ports/services';
import '../shared/zod';

const secretSchema = z.object({
  apiKey: z.string().check(z.minLength(1)),
  apiSecret: z.string().check(z.minLength(1)),
  webhookSigningKey: z.string().check(z.minLength(1)),
  continueLinkKey: z.string().check(z.minLength(16)),
});

/** Our key for document-number hashes: a generated string, at least 32 characters. */
export async function loadDocumentHashKey(secretId: string): Promise<string> {
  const value = await getSecret(secretId, { maxAge: 300 });
  if (typeof value !== 'string' || value.length < 32) {
    throw new Error(`Secret ${secretId} must hold a key of at least 32 characters`);
  }
  return value;
}

/** Cached for 5 minutes per container, so a rotated value is picked up without a deploy. */
export async function loadSecrets(secretId: string): Promise<IdenfySecrets> {
  const value = await getSecret(secretId, { transform: 'json', maxAge: 300 });
  const parsed = secretSchema.safeParse(value);
  if (!parsed.success) {
    // Name the keys, never the values.
    throw new Error(
      `Secret ${secretId} is missing keys: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  }
  return parsed.data;
}
