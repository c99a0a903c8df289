/** The other ports: iDenfy, the work queue, the event bus, the secrets. */
import type { OutboxEvent } from '../model';

export interface WorkQueue {
  /** Asks the comparator to look at a verification; deduplicated per recorded result. */
  send(verificationId: string, deduplicationId: string): Promise<void>;
}

export interface EventPublisher {
  /**
   * Throws when the event was not accepted: PublishRefused when the bus said so (FailedEntryCount > 0:
   * it was not published), anything else when the outcome is unknown (a lost answer may have been published).
   */
  publish(event: OutboxEvent): Promise<void>;
}

export interface TokenRequest {
  clientId: string;
  tokenType: 'IDENTIFICATION' | 'DOCUMENT';
  externalRef: string;
  callbackUrl: string;
  successUrl: string;
  errorUrl: string;
  unverifiedUrl: string;
  firstName?: string;
  lastName?: string;
  dateOfBirth?: string;
  documents?: string[];
  locale?: string;
  expiryTime?: number;
  /** iDenfy's additional-step configuration (docs/idenfy-api.md §6); the account default when absent. */
  additionalSteps?: Record<string, unknown>;
  /** Data for COMPARE-type additional steps: the claimed address for a proof of address. */
  additionalData?: { UTILITY_BILL: { address: string } };
  /** iDenfy's sandbox outcome: the session ends at once with it, without a person (DEV keys only). */
  dummyStatus?: string;
}

export interface IdenfyApi {
  createToken(request: TokenRequest): Promise<{ scanRef: string; authToken: string; redirectUrl: string }>;
  /** iDenfy's /api/v2/status of a session (APPROVED, DENIED, SUSPECTED, REVIEWING, ACTIVE, EXPIRED, …). */
  sessionStatus(
    scanRef: string,
  ): Promise<{ status: string; fraudTags: string[]; mismatchTags: string[]; face?: string | null }>;
  /** Asks iDenfy to delete a session: `not-yet` while its token can still be used. */
  deleteSession(scanRef: string): Promise<'deleted' | 'not-found' | 'not-yet'>;
}

export interface IdenfySecrets {
  apiKey: string;
  apiSecret: string;
  webhookSigningKey: string;
  continueLinkKey: string;
}
