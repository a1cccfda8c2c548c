import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stackSettingsFromContext } from '../../infra/stackSettings.js';
import { TributaryStack } from '../../infra/tributaryStack.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/infra/${name}`, import.meta.url));

/** The feature flags `cdk.json` gives the real app, so tests synthesize what `cdk deploy` would. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export interface SynthesizedTributary {
  app: App;
  stack: TributaryStack;
  template: Template;
}

/**
 * Builds the stack as `infra/app.ts` does, with `context` layered over cdk.json's, and packages a
 * stand-in for the build folder so the tests run without `npm run build`.
 */
export function synthTributary(context: Record<string, unknown> = {}): SynthesizedTributary {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...context } });
  const stack = new TributaryStack(app, 'Tributary', {
    settings: stackSettingsFromContext(app.node),
    buildDir: fixture('build'),
  });
  return { app, stack, template: Template.fromStack(stack) };
}
