/** The example subscriber of docs/subscribers.md synthesizes, and reads as the doc says. */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SubscriberStack } from '../../examples/subscriber/stack';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const t = Template.fromStack(
  new SubscriberStack(app, 'Subscriber', { eventBusName: 'IdenfyMultidocEvents' }),
);

describe('the example subscriber (docs/subscribers.md)', () => {
  it('the doc quotes the stack as it is (indentation aside)', () => {
    const flat = (text: string) => text.replace(/^[ \t]+/gm, '');
    const quoted = [...readFileSync('docs/subscribers.md', 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map(
      (m) => m[1] ?? '',
    );
    expect(quoted.join('')).toContain("new Rule(this, 'WhenVerified'");
    const stack = flat(readFileSync('examples/subscriber/stack.ts', 'utf8'));
    for (const q of quoted) expect(stack).toContain(flat(q));
  });

  it('listens on the product’s bus for verified people, at the first decision or after a review', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'IdenfyMultidocEvents',
      EventPattern: {
        source: ['idenfy.multidoc'],
        'detail-type': ['Verification Finalized', 'Verification Reviewed'],
        detail: { status: ['VERIFIED'] },
      },
    });
  });

  it('keeps what its function cannot take in a dead-letter queue of its own, and alarms on it', () => {
    const [dlqId] = Object.keys(t.findResources('AWS::SQS::Queue'));
    t.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
        }),
      ],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
    });
  });
});
