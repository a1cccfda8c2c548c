import { join, resolve } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, test } from 'vitest';
import { MissingBuildError } from '../../infra/errors.js';
import { BUILD_DIR, WholeRunFunction } from '../../infra/wholeRunFunction.js';
import { fixture } from './synthTributary.js';

describe('the function package', () => {
  test('by default is the folder `npm run build` writes', () => {
    expect(resolve(BUILD_DIR)).toBe(resolve(fixture('../../../dist/lambda')));
  });

  test('is that folder as it is, packaged without bundling again', () => {
    const code = WholeRunFunction.codeFromBuild(fixture('build'));
    expect(code).toBeInstanceOf(lambda.AssetCode);
    expect((code as lambda.AssetCode).path).toBe(fixture('build'));
  });

  test('missing build output stops the synth and says to run the build', () => {
    const dir = fixture('no-such-build');
    const attempt = () => WholeRunFunction.codeFromBuild(dir);
    expect(attempt).toThrow(expect.objectContaining({ name: 'MissingBuildError', code: 'missing_build' }));
    expect(attempt).toThrow(MissingBuildError);
    expect(attempt).toThrow(`${join(dir, 'index.mjs')} does not exist: run \`npm run build\` first`);
  });
});
