#!/usr/bin/env node
/** CDK app entry: one MultidocStack, configured from context, checked by cdk-nag (AwsSolutions). */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext } from '../lib/config';
import { MultidocStack } from '../lib/multidoc-stack';

const app = new App();
new MultidocStack(app, app.node.tryGetContext('stackName') ?? 'IdenfyMultidoc', {
  config: configFromContext(app.node),
  description: 'idenfy-multidoc: two-document identity verification through iDenfy',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
