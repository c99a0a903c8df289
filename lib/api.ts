/**
 * The HTTP API: its stage (throttling, access logs), the routes of docs/architecture.md §2 and who may
 * call each: the client (IAM, or JWT), the person's browser (the signed continue link), iDenfy (its
 * HMAC), anyone (health). A part of the stack that builds into its scope (see store.ts for why).
 */
import { type Stack, Validations } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { MultidocConfig } from './config';
import type { Functions } from './functions';

/** Routes of docs/architecture.md §2 and who may call them. */
export const ROUTES = {
  client: [
    { method: HttpMethod.POST, path: '/verifications' },
    { method: HttpMethod.GET, path: '/verifications' },
    { method: HttpMethod.GET, path: '/verifications/{verificationId}' },
    { method: HttpMethod.POST, path: '/verifications/{verificationId}/review' },
    { method: HttpMethod.POST, path: '/verifications/{verificationId}/cancel' },
    { method: HttpMethod.DELETE, path: '/verifications/{verificationId}' },
  ],
  browser: [{ method: HttpMethod.GET, path: '/verifications/{verificationId}/continue' }],
  public: [{ method: HttpMethod.GET, path: '/health' }],
  idenfy: [{ method: HttpMethod.POST, path: '/webhooks/idenfy' }],
} as const;

export class Api {
  readonly httpApi: HttpApi;

  constructor(stack: Stack, config: MultidocConfig, functions: Functions) {
    const accessLogs = new LogGroup(stack, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.httpApi = new HttpApi(stack, 'Api', {
      description: 'idenfy-multidoc: verifications, continue links and iDenfy webhooks',
      createDefaultStage: false,
    });
    new HttpStage(stack, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });

    const tokenIntegration = new HttpLambdaIntegration('TokenIntegration', functions.token.fn);
    const webhookIntegration = new HttpLambdaIntegration('WebhookIntegration', functions.webhook.fn);
    const add = (
      routes: readonly { method: HttpMethod; path: string }[],
      integration: HttpLambdaIntegration,
      authorizer: IHttpRouteAuthorizer,
      unauthenticatedBecause?: string,
    ) => {
      for (const r of routes) {
        const [route] = this.httpApi.addRoutes({
          path: r.path,
          methods: [r.method],
          integration,
          authorizer,
        });
        if (route && unauthenticatedBecause) {
          Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: unauthenticatedBecause });
        }
      }
    };
    const clientAuthorizer =
      config.clientAuth === 'jwt'
        ? new HttpJwtAuthorizer('ClientJwt', config.jwtIssuer ?? '', {
            jwtAudience: (config.jwtAudience ?? '').split(',').map((a) => a.trim()),
          })
        : new HttpIamAuthorizer();
    add(ROUTES.client, tokenIntegration, clientAuthorizer);
    // Proven by their own credentials instead of IAM: the signed continue token and iDenfy's HMAC.
    add(
      ROUTES.browser,
      tokenIntegration,
      new HttpNoneAuthorizer(),
      "The user's browser proves itself with the HMAC-signed, expiring continue token bound to one verification.",
    );
    add(
      ROUTES.public,
      tokenIntegration,
      new HttpNoneAuthorizer(),
      'Readiness probe: answers a constant, reveals nothing.',
    );
    add(
      ROUTES.idenfy,
      webhookIntegration,
      new HttpNoneAuthorizer(),
      'iDenfy cannot sign requests with SigV4; every webhook is authenticated by its HMAC-SHA256 Idenfy-Signature over the raw body.',
    );
  }
}
