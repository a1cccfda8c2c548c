import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TributaryError } from '../lambda/core/errors.js';
import { stackSettingsFromContext } from './stackSettings.js';
import { TributaryStack } from './tributaryStack.js';

const app = new App();
try {
  // Environment-agnostic: the stack deploys to the account and region of the CLI's credentials.
  new TributaryStack(app, 'Tributary', { settings: stackSettingsFromContext(app.node) });
} catch (error) {
  // A deployer's mistake (context, sources file, missing build) reads as what to fix, not as a
  // stack trace; anything else is a bug in the stack, and its trace is what helps.
  if (!(error instanceof TributaryError)) throw error;
  console.error(`tributary: ${error.message}`);
  process.exit(1);
}
// Findings fail the synth; every acknowledgement sits next to the construct it concerns, with its reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
