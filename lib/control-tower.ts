/**
 * AWS Control Tower's proactive controls (the `@cdklabs/cdk-validator-cfnguard` rules), as an
 * organisation that enforces them would run them on this template: each finding is either fixed in
 * the stack or acknowledged here, with the reason (test/infra/control-tower.test.ts holds the
 * template to it, in every configuration variant, and fails on an acknowledgement nothing needs).
 * Add the validator to your own app to see them at `cdk synth` (docs/deploy.md).
 */
export const CONTROL_TOWER_ACKNOWLEDGED: Readonly<Record<string, string>> = {
  'ct-apigateway-pr-5':
    'Three routes have no API Gateway authorizer on purpose: the continue link (the browser proves itself with an HMAC-signed, expiring token bound to one verification), the iDenfy webhook (iDenfy cannot sign with SigV4; every call is checked by its HMAC-SHA256 signature over the raw body) and the readiness probe (answers a constant).',
  'ct-cloudwatch-pr-3':
    'By default log groups use CloudWatch Logs’ own encryption; customerManagedKey=true (or kmsKeyArn) encrypts them with a KMS key, which passes this control (tested). They hold no personal data.',
  'ct-lambda-pr-2':
    'A false positive: every permission for API Gateway names its SourceArn (this API, its stage and route), built with Fn::Join, which the rule does not read as a string or a local reference.',
  'ct-lambda-pr-3':
    'Nothing private to reach: the functions call DynamoDB, SQS, EventBridge and Secrets Manager (AWS endpoints) and iDenfy on the internet; a VPC would add NAT gateways, their cost and cold-start time, and no isolation.',
  'ct-sqs-pr-1':
    'The two queues it names are the dead-letter queues themselves (of the work queue and of the sweep schedule), each with an alarm; a dead-letter queue of a dead-letter queue would hide what needs a person.',
};
