/** `cdk --app` entry of the example subscriber: `-c eventBusName=<the EventBusName output>`. */
import { App } from 'aws-cdk-lib';
import { SubscriberStack } from './stack';

const app = new App();
const eventBusName = app.node.tryGetContext('eventBusName');
if (typeof eventBusName !== 'string' || !eventBusName)
  throw new Error('give -c eventBusName=<the EventBusName output of the idenfy-multidoc stack>');
new SubscriberStack(app, 'IdenfyMultidocSubscriber', { eventBusName });
