/**
 * The example subscriber's function. EventBridge delivers at least once: act once per `eventId`
 * (here a conditional write would do; this example only logs). The detail carries no personal data:
 * look the person up by `clientId`, your own id for them.
 */
import type { EventBridgeEvent } from 'aws-lambda';

interface VerificationDetail {
  eventId: string;
  verificationId: string;
  clientId: string;
  status: 'VERIFIED' | 'REQUIRES_REVIEW' | 'REJECTED' | 'EXPIRED';
  reasons: string[];
  policyVersion: string;
  decidedAt: string;
}

export async function handler(
  event: EventBridgeEvent<'Verification Finalized' | 'Verification Reviewed', VerificationDetail>,
): Promise<void> {
  const { eventId, verificationId, clientId, status } = event.detail;
  // Replace with your own idempotent action, e.g. a PutItem conditional on attribute_not_exists(eventId).
  console.log(JSON.stringify({ message: 'verified', eventId, verificationId, clientId, status }));
}
