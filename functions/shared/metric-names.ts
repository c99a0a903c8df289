/** Metric names and namespace, shared by the functions (which emit) and the stack (dashboard, alarms). */
export const METRICS_NAMESPACE = 'IdenfyMultidoc';

/** Names of the metrics the stack's dashboard and alarms read (lib/observability.ts). */
export const METRIC = {
  verificationsStarted: 'VerificationsStarted',
  verificationsFinalized: 'VerificationsFinalized',
  reviews: 'VerificationsReviewed',
  erasures: 'ErasuresRequested',
  webhooksRecorded: 'WebhooksRecorded',
  webhooksRejected: 'WebhooksRejected',
  matchVerdicts: 'MatchVerdicts',
  idenfyLatency: 'IdenfyCallLatency',
  idenfyErrors: 'IdenfyCallErrors',
  /** iDenfy down, erroring (5xx), throttling (429) or not answering: what the alarm watches. */
  idenfyUnavailable: 'IdenfyUnavailable',
  /** A final result from iDenfy contradicted a decision already made: a person must look. */
  providerResultChanged: 'ProviderResultChanged',
  /** An event that could not be published now and is left to the sweep (EventBridge failing). */
  eventsDeferred: 'EventsDeferred',
} as const;
