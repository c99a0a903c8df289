/**
 * IAM as AWS evaluates it, over a synthesized template, offline: the template's intrinsics resolved
 * to concrete ARNs in one account and Region, each role's identity policies and each resource's policy
 * (topic, queue, key, a function's permissions) gathered as AWS would attach them, and every request
 * decided by `@cloud-copilot/iam-simulate` (identity and resource policies, explicit denies,
 * conditions). Used by test/infra/iam.test.ts and the least-privilege test.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';

type Json = Record<string, any>;
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export interface AwsEnv {
  account: string;
  region: string;
  partition: string;
}

/** A resource's physical names: what `Ref` returns, and its ARN. */
export type Physical = (logicalId: string, type: string) => { ref: string; arn: string } | undefined;

/** AWSLambdaBasicExecutionRole, as AWS publishes it (the only managed policy the stack attaches). */
const AWS_MANAGED: Record<string, Json> = {
  AWSLambdaBasicExecutionRole: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: '*',
      },
    ],
  },
};

export class CfnIam {
  private readonly resources: Record<string, Json>;

  constructor(
    readonly template: Json,
    readonly env: AwsEnv = { account: '111122223333', region: 'eu-west-1', partition: 'aws' },
    private readonly physical: Physical = () => undefined,
  ) {
    this.resources = template.Resources as Record<string, Json>;
  }

  /** Logical ids of the resources of a type (and whose id starts with `prefix`). */
  ids(type: string, prefix = ''): string[] {
    return Object.entries(this.resources)
      .filter(([id, r]) => r.Type === type && id.startsWith(prefix))
      .map(([id]) => id);
  }

  id(type: string, prefix: string): string {
    const [found, ...more] = this.ids(type, prefix);
    if (!found || more.length > 0) throw new Error(`expected one ${type} named ${prefix}*`);
    return found;
  }

  /** What `Ref` returns for a resource, as CloudFormation names things (or the given physical names). */
  ref(id: string): string {
    const r = this.resource(id);
    const given = this.physical(id, r.Type);
    if (given) return given.ref;
    const { account, region } = this.env;
    switch (r.Type) {
      case 'AWS::SNS::Topic':
      case 'AWS::SecretsManager::Secret':
      case 'AWS::IAM::ManagedPolicy':
        return this.arn(id);
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${this.queueName(id)}`;
      case 'AWS::KMS::Key':
        return `key-${id.toLowerCase()}`;
      case 'AWS::Logs::LogGroup':
        return r.Properties?.LogGroupName ? this.resolve(r.Properties.LogGroupName) : id;
      case 'AWS::ApiGatewayV2::Api':
        return id.toLowerCase().slice(0, 10);
      default:
        return id;
    }
  }

  /** What `Fn::GetAtt [id, Arn]` returns. */
  arn(id: string): string {
    const r = this.resource(id);
    const given = this.physical(id, r.Type);
    if (given) return given.arn;
    const { account, region, partition } = this.env;
    const at = (service: string, rest: string) => `arn:${partition}:${service}:${region}:${account}:${rest}`;
    switch (r.Type) {
      case 'AWS::SNS::Topic':
        return at('sns', id);
      case 'AWS::SQS::Queue':
        return at('sqs', this.queueName(id));
      case 'AWS::Lambda::Function':
        return at('lambda', `function:${id}`);
      case 'AWS::IAM::Role':
        return `arn:${partition}:iam::${account}:role/${id}`;
      case 'AWS::IAM::ManagedPolicy':
        return `arn:${partition}:iam::${account}:policy/${id}`;
      case 'AWS::KMS::Key':
        return at('kms', `key/${this.ref(id)}`);
      case 'AWS::DynamoDB::Table':
        return at('dynamodb', `table/${id}`);
      case 'AWS::Events::EventBus':
        return at('events', `event-bus/${id}`);
      case 'AWS::Events::Rule':
        return at('events', `rule/${id}`);
      case 'AWS::SecretsManager::Secret':
        return at('secretsmanager', `secret:${id}-AbCdEf`);
      case 'AWS::Logs::LogGroup':
        return at('logs', `log-group:${this.ref(id)}:*`);
      default:
        throw new Error(`no ARN for ${r.Type}`);
    }
  }

  /** A CloudFormation value as the concrete string it becomes. */
  resolve(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    const v = value as Json;
    if (typeof v.Ref === 'string') {
      const pseudo: Record<string, string> = {
        'AWS::AccountId': this.env.account,
        'AWS::Region': this.env.region,
        'AWS::Partition': this.env.partition,
        'AWS::URLSuffix': 'amazonaws.com',
      };
      return pseudo[v.Ref] ?? this.ref(v.Ref);
    }
    if (v['Fn::GetAtt']) {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      if (attr === 'Arn') return this.arn(id);
      if (attr === 'QueueName') return this.queueName(id);
      if (attr === 'TopicName') return id;
      if (attr === 'Name') return this.ref(id);
      throw new Error(`cannot resolve GetAtt ${id}.${attr}`);
    }
    if (v['Fn::Join'])
      return (v['Fn::Join'][1] as unknown[]).map((x) => this.resolve(x)).join(v['Fn::Join'][0]);
    if (v['Fn::Select']) {
      const [index, list] = v['Fn::Select'] as [number, unknown];
      return this.list(list)[Number(index)] ?? '';
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  }

  /** Every string of a policy document resolved (Resource, Condition values, principals). */
  document(doc: Json): Json {
    const walk = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') {
        const o = v as Json;
        if (o.Ref || o['Fn::GetAtt'] || o['Fn::Join'] || o['Fn::Select']) return this.resolve(o);
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
      }
      return v;
    };
    return walk(doc) as Json;
  }

  /** The identity policies of a role: its inline policies, the AWS::IAM::Policy resources and managed policies attached to it. */
  rolePolicies(roleId: string): { name: string; policy: Json }[] {
    const role = this.resource(roleId);
    const out: { name: string; policy: Json }[] = [];
    for (const p of role.Properties?.Policies ?? [])
      out.push({ name: p.PolicyName, policy: this.document(p.PolicyDocument) });
    for (const arn of role.Properties?.ManagedPolicyArns ?? []) {
      const text = this.resolve(arn);
      const name = text.split('/').pop() ?? text;
      const managed = AWS_MANAGED[name];
      if (!managed) throw new Error(`unknown managed policy ${text}`);
      out.push({ name, policy: managed });
    }
    for (const [id, r] of Object.entries(this.resources)) {
      const attached = (list: unknown) => ((list as Json[] | undefined) ?? []).some((x) => x.Ref === roleId);
      if (r.Type === 'AWS::IAM::Policy' && attached(r.Properties.Roles))
        out.push({ name: id, policy: this.document(r.Properties.PolicyDocument) });
      if (r.Type === 'AWS::IAM::ManagedPolicy' && attached(r.Properties.Roles))
        out.push({ name: id, policy: this.document(r.Properties.PolicyDocument) });
    }
    return out;
  }

  /** The role of a function, by the function's logical id. */
  functionRole(functionId: string): string {
    return this.resource(functionId).Properties.Role['Fn::GetAtt'][0];
  }

  /** A managed policy's document (to attach to a caller's role). */
  managedPolicy(id: string): { name: string; policy: Json } {
    return { name: id, policy: this.document(this.resource(id).Properties.PolicyDocument) };
  }

  /**
   * The resource policy AWS evaluates for a resource: a topic's or queue's policy, a key's key
   * policy, or a function's permissions (each AWS::Lambda::Permission a statement); undefined: none.
   */
  resourcePolicy(id: string): Json | undefined {
    const r = this.resource(id);
    const targets = (list: unknown) => ((list as Json[] | undefined) ?? []).some((x) => x.Ref === id);
    if (r.Type === 'AWS::KMS::Key') return this.document(r.Properties.KeyPolicy);
    const statements: Json[] = [];
    for (const other of Object.values(this.resources)) {
      if (
        r.Type === 'AWS::SNS::Topic' &&
        other.Type === 'AWS::SNS::TopicPolicy' &&
        targets(other.Properties.Topics)
      )
        statements.push(...this.document(other.Properties.PolicyDocument).Statement);
      if (
        r.Type === 'AWS::SQS::Queue' &&
        other.Type === 'AWS::SQS::QueuePolicy' &&
        targets(other.Properties.Queues)
      )
        statements.push(...this.document(other.Properties.PolicyDocument).Statement);
      if (r.Type === 'AWS::Lambda::Function' && other.Type === 'AWS::Lambda::Permission') {
        const p = other.Properties;
        const fn = p.FunctionName;
        if (fn?.['Fn::GetAtt']?.[0] !== id && fn?.Ref !== id) continue;
        const condition: Json = {};
        if (p.SourceArn) condition.ArnLike = { 'AWS:SourceArn': this.resolve(p.SourceArn) };
        if (p.SourceAccount) condition.StringEquals = { 'AWS:SourceAccount': this.resolve(p.SourceAccount) };
        statements.push({
          Effect: 'Allow',
          Principal: { Service: this.resolve(p.Principal) },
          Action: p.Action,
          Resource: this.arn(id),
          ...(Object.keys(condition).length ? { Condition: condition } : {}),
        });
      }
    }
    return statements.length > 0 ? { Version: '2012-10-17', Statement: statements } : undefined;
  }

  /** Whether AWS would allow the request, given the caller's identity policies and the resource's policy. */
  async decide(request: {
    principal: string;
    action: string;
    resource: string;
    context?: Record<string, string | string[]>;
    identityPolicies?: { name: string; policy: Json }[];
    resourcePolicy?: Json;
  }): Promise<Decision> {
    const result = await runSimulation(
      {
        request: {
          principal: request.principal,
          action: request.action,
          resource: { resource: request.resource, accountId: this.env.account },
          contextVariables: { 'aws:SecureTransport': 'true', ...request.context },
        },
        identityPolicies: request.identityPolicies ?? [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: request.resourcePolicy,
      },
      {},
    );
    if (result.resultType === 'error')
      throw new Error(`simulation refused: ${JSON.stringify(result.errors)}`);
    return result.overallResult as Decision;
  }

  private resource(id: string): Json {
    const r = this.resources[id];
    if (!r) throw new Error(`no resource ${id} in the template`);
    return r;
  }

  private queueName(id: string): string {
    const given = this.physical(id, 'AWS::SQS::Queue');
    if (given) return given.arn.split(':').pop() ?? id;
    return this.resource(id).Properties?.FifoQueue ? `${id}.fifo` : id;
  }

  private list(value: unknown): string[] {
    const v = value as Json;
    if (Array.isArray(value)) return value.map((x) => this.resolve(x));
    if (v['Fn::Split']) {
      const [sep, source] = v['Fn::Split'] as [string, unknown];
      return this.resolve(source).split(sep);
    }
    throw new Error(`cannot resolve a list ${JSON.stringify(value)}`);
  }
}
