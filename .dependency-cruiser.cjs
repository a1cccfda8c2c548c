// The architecture as rules: `npm test` runs `npm run lint:deps`, so an import that points the
// wrong way fails the build with the rule's name. The layers, outermost first:
//   main → {run, input, adapters, distributed} ; distributed → run ; run → {process, merge, render}
//   → {parse, fetch} → core. Adapters implement the ports run/ declares.
const stage = (name) => `^lambda/${name}/`;

/** `from` may import only inside the lambda stages listed (plus packages and node: built-ins). */
const onlyInward = (name, from, allowed, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: stage(from) },
  to: { path: '^lambda/', pathNot: allowed.map(stage) },
});

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle hides which module is the inner one.',
      from: {},
      to: { circular: true },
    },
    onlyInward(
      'core-imports-nothing',
      'core',
      ['core'],
      'core/ is the model, errors and utilities every stage shares.',
    ),
    onlyInward('fetch-is-core-only', 'fetch', ['fetch', 'core'], 'fetch/ knows HTTP, not what the bytes mean.'),
    onlyInward('parse-is-pure', 'parse', ['parse', 'core'], 'parse/ turns bytes into items and touches no I/O.'),
    onlyInward('merge-is-pure', 'merge', ['merge', 'core'], 'merge/ dedupes and orders items only.'),
    onlyInward(
      'render-is-pure',
      'render',
      ['render', 'merge', 'parse', 'core'],
      'render/ turns items into documents (with parse/ text helpers, pure too).',
    ),
    onlyInward(
      'process-below-run',
      'process',
      ['process', 'parse', 'fetch', 'merge', 'render', 'core'],
      "process/ decides one source's outcome; run/ orchestrates it.",
    ),
    onlyInward(
      'input-below-run',
      'input',
      ['input', 'process', 'parse', 'fetch', 'core'],
      'input/ validates what users give; it runs nothing.',
    ),
    onlyInward(
      'run-below-entry-points',
      'run',
      ['run', 'input', 'process', 'merge', 'render', 'parse', 'fetch', 'core'],
      'run/ declares ports; adapters and entry points plug into it.',
    ),
    onlyInward(
      'adapters-implement-ports',
      'adapters',
      ['adapters', 'run', 'input', 'core'],
      'adapters/ implement the ports run/ declares.',
    ),
    onlyInward(
      'distributed-reuses-run',
      'distributed',
      ['distributed', 'run', 'input', 'process', 'merge', 'fetch', 'core'],
      'distributed/ steps reuse run/; wiring stays in main/.',
    ),
    {
      name: 'aws-sdk-at-the-edges',
      severity: 'error',
      comment: 'Only entry points and adapters talk to AWS; the rest takes ports.',
      from: { path: '^lambda/', pathNot: [stage('main'), stage('adapters')] },
      to: { path: '@aws-sdk/|@aws-lambda-powertools/' },
    },
    {
      name: 'lambda-stands-alone',
      severity: 'error',
      comment: 'The function bundle is built from lambda/ alone.',
      from: { path: '^lambda/' },
      to: { path: '^(infra|test|bench|scripts)/' },
    },
    {
      name: 'infra-shares-only-core',
      severity: 'error',
      comment: 'The stack may share rules (core/) and the input schema with the function, nothing that runs.',
      from: { path: '^infra/' },
      to: { path: '^lambda/', pathNot: [stage('core'), stage('input')] },
    },
    {
      name: 'scripts-not-tests',
      severity: 'error',
      comment: 'Scripts and benchmarks ship without the test tree.',
      from: { path: '^(scripts|bench|lambda|infra)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
