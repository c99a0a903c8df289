/** The outbox event's type: one detail-type and the detail its schema gives it (./details.ts, generated). */
import type {
  DetailOfVerificationDocumentExpiring,
  DetailOfVerificationFinalized,
  DetailOfVerificationProviderResultChanged,
  DetailOfVerificationReviewed,
} from './details';

/** Each detail-type and the detail it carries. */
export interface EventDetails {
  'Verification Finalized': DetailOfVerificationFinalized;
  'Verification Reviewed': DetailOfVerificationReviewed;
  'Verification Document Expiring': DetailOfVerificationDocumentExpiring;
  'Verification Provider Result Changed': DetailOfVerificationProviderResultChanged;
}
export type DetailType = keyof EventDetails;

/** An event waiting to be (or already) published for a status version: the outbox. */
export type OutboxEvent = {
  [K in DetailType]: { eventId: string; detailType: K; detail: EventDetails[K]; version: number };
}[DetailType];
