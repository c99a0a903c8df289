/**
 * The typed client in use (docs/client.md shows this file; test/integration/examples.test.ts runs it
 * against a local system). Run it against `npm start`: `node --import tsx examples/client/usage.ts`.
 */
import { MultidocApiError, MultidocClient } from '../../client';

export async function main(baseUrl = process.env.MULTIDOC_API_URL ?? 'http://127.0.0.1:3000') {
  // Deployed: the ApiUrl output, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com. Requests are
  // then SigV4-signed with the default AWS credential chain (environment, profile, SSO, container or
  // instance role); the Region comes from the URL. Locally (npm start): nothing to sign.
  const api = new MultidocClient({ baseUrl });

  const { created, verification } = await api.start({ clientId: 'user-123', firstName: 'Jürgen' });
  // created: false when the client's PENDING verification came back; its redirectUrl resumes it.
  console.log(created ? 'started' : 'resumed', verification.verificationId, verification.redirectUrl);

  // The review queue, page after page, oldest decision first.
  for await (const item of api.all((cursor) => api.reviewQueue({ cursor }))) {
    const v = await api.get(item.verificationId); // the report, side by side
    console.log('to review:', v.verificationId, v.reasons.join(', '));
    // await api.review(v.verificationId, { decision: 'APPROVE', reviewer: 'Alice', note: 'Permit checked' });
  }

  try {
    const cancelled = await api.cancel(verification.verificationId);
    console.log('cancelled:', cancelled.status, cancelled.reasons.join(', '));
    return cancelled;
  } catch (err) {
    if (err instanceof MultidocApiError && err.code === 'INVALID_STATE') {
      console.log('decided meanwhile:', err.message);
      return undefined;
    }
    throw err;
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
