/**
 * The HTTP API: its stage (throttling, JSON access logs), the routes of docs/architecture.md §2 and who
 * may call each: a client app or a reviewer (IAM, or JWT with scopes), the person's browser (the signed
 * continue link), iDenfy (its HMAC), anyone (health). Separation of duties: the stack outputs one
 * managed policy per caller role, scoped to its routes, so a client app cannot review its own
 * verifications. A part of the stack that builds into its scope (see store.ts for why).
 */
import { type CfnElement, CfnOutput, type Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { MultidocConfig } from './config';
import type { Functions } from './functions';
import type { Keys } from './keys';

/** Who calls an authenticated route: a client app's backend, a reviewer, or both. */
export type CallerRole = 'client' | 'reviewer';

/** Routes of docs/architecture.md §2 and who may call them. */
export const ROUTES = {
  client: [
    { method: HttpMethod.POST, path: '/verifications', roles: ['client'] },
    // A client's list, and (status=REQUIRES_REVIEW) the review queue.
    { method: HttpMethod.GET, path: '/verifications', roles: ['client', 'reviewer'] },
    { method: HttpMethod.GET, path: '/verifications/{verificationId}', roles: ['client', 'reviewer'] },
    { method: HttpMethod.POST, path: '/verifications/{verificationId}/review', roles: ['reviewer'] },
    { method: HttpMethod.POST, path: '/verifications/{verificationId}/cancel', roles: ['client'] },
    { method: HttpMethod.DELETE, path: '/verifications/{verificationId}', roles: ['client'] },
  ],
  browser: [{ method: HttpMethod.GET, path: '/verifications/{verificationId}/continue' }],
  public: [{ method: HttpMethod.GET, path: '/health' }],
  idenfy: [{ method: HttpMethod.POST, path: '/webhooks/idenfy' }],
} as const satisfies Record<string, readonly { method: HttpMethod; path: string; roles?: CallerRole[] }[]>;

export const WEBHOOK_ROUTE_KEY = 'POST /webhooks/idenfy';

/**
 * One access-log line per request, as JSON. No source IP: the continue route's callers are the people
 * being verified, and their addresses are personal data we have no use for (docs/decisions.md).
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  caller: '$context.identity.userArn',
};

export class Api {
  readonly httpApi: HttpApi;
  /** The caller roles' managed policies (outputs ClientAppPolicyArn, ReviewerPolicyArn). */
  readonly policies: Record<CallerRole, ManagedPolicy>;

  constructor(stack: Stack, config: MultidocConfig, functions: Functions, keys: Keys) {
    const accessLogs = new LogGroup(stack, 'ApiAccessLogs', {
      // Under /aws/vendedlogs/, as AWS advises for logs a service delivers: such groups never need a
      // statement in the account's CloudWatch Logs resource policy, whose size is capped.
      logGroupName: `/aws/vendedlogs/apigateway/${stack.stackName}/access`,
      retention: config.logRetentionDays as RetentionDays,
      encryptionKey: keys.data,
    });
    this.httpApi = new HttpApi(stack, 'Api', {
      description: 'idenfy-multidoc: verifications, continue links and iDenfy webhooks',
      createDefaultStage: false,
    });
    const stage = new HttpStage(stack, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // Each client or browser route's limit (docs/scale.md); the webhook route has its own below.
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const tokenIntegration = new HttpLambdaIntegration('TokenIntegration', functions.token.fn);
    const webhookIntegration = new HttpLambdaIntegration('WebhookIntegration', functions.webhook.fn);
    const scopes: Record<CallerRole, string> = {
      client: config.jwtClientScope,
      reviewer: config.jwtReviewerScope,
    };
    const add = (
      routes: readonly { method: HttpMethod; path: string; roles?: readonly CallerRole[] }[],
      integration: HttpLambdaIntegration,
      authorizer: IHttpRouteAuthorizer,
      unauthenticatedBecause?: string,
    ) =>
      routes.map((r) => {
        const [route] = this.httpApi.addRoutes({
          path: r.path,
          methods: [r.method],
          integration,
          authorizer,
          // With JWT, the token must carry a scope of one of the route's roles.
          ...(config.clientAuth === 'jwt' && r.roles
            ? { authorizationScopes: r.roles.map((role) => scopes[role]) }
            : {}),
        });
        if (route && unauthenticatedBecause) {
          Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: unauthenticatedBecause });
        }
        return route;
      });
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
    const webhookRoutes = add(
      ROUTES.idenfy,
      webhookIntegration,
      new HttpNoneAuthorizer(),
      'iDenfy cannot sign requests with SigV4; every webhook is authenticated by its HMAC-SHA256 Idenfy-Signature over the raw body.',
    );
    // The webhook route's own limit: client traffic spending its limit never throttles iDenfy's results.
    const cfnStage = stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = {
      [WEBHOOK_ROUTE_KEY]: {
        ThrottlingRateLimit: config.webhookRateLimit,
        ThrottlingBurstLimit: config.webhookBurstLimit,
      },
    };
    for (const route of webhookRoutes) if (route) stage.node.addDependency(route);

    this.policies = {
      client: this.callerPolicy(stack, 'client', 'ClientAppPolicy'),
      reviewer: this.callerPolicy(stack, 'reviewer', 'ReviewerPolicy'),
    };
  }

  /**
   * A managed policy that lets its holder invoke exactly the routes of one caller role (attach it to
   * the client app's or the reviewers' role). IAM matches `*` across `/`, so a path parameter is `*`
   * and the review route is never inside a client app's grant (test/infra/stack.test.ts proves it).
   */
  private callerPolicy(stack: Stack, role: CallerRole, id: string): ManagedPolicy {
    const routes = ROUTES.client
      .filter((r) => (r.roles as readonly CallerRole[]).includes(role))
      .map((r) => ({ method: r.method, path: r.path.replace(/\{[^}]+\}/g, '*') }));
    const policy = new ManagedPolicy(stack, id, {
      description: `idenfy-multidoc: the API routes of a ${role === 'client' ? 'client app' : 'reviewer'}`,
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: routes.map((r) => this.httpApi.arnForExecuteApi(r.method, r.path, '$default')),
        }),
      ],
    });
    const apiId = stack.getLogicalId(this.httpApi.node.defaultChild as CfnElement);
    for (const r of routes.filter((r) => r.path.includes('*'))) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/$default/${r.method}${r.path}]`,
        reason:
          'The wildcard stands for the {verificationId} path parameter of this route of this API and stage; no other authenticated route matches (proven in test/infra/stack.test.ts; GET /verifications/* also covers the unauthenticated continue link).',
      });
    }
    new CfnOutput(stack, `${id}Arn`, {
      value: policy.managedPolicyArn,
      description: `Attach to the ${role === 'client' ? "client app's" : "reviewers'"} IAM role (docs/deploy.md: Who may call what)`,
    });
    return policy;
  }
}
