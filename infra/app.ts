import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackSettingsFromContext } from './stackSettings.js';
import { TributaryStack } from './tributaryStack.js';

const app = new App();
// Environment-agnostic: the stack deploys to the account and region of the CLI's credentials.
new TributaryStack(app, 'Tributary', { settings: stackSettingsFromContext(app.node) });
// Findings fail the synth; every acknowledgement sits next to the construct it concerns, with its reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
