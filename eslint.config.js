import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** Files of the layers above a folder: what that folder may never import. */
const STARTUP = ['**/app.js', '**/server.js', '**/startup.js', '**/services.js', '**/in-process.js', '**/main.js']
/** A glob of `group` as a regex body without '/' (esquery's regex literals cannot hold one). */
const globRegex = (glob) =>
  '^' +
  glob
    .split('/')
    .map((part) =>
      part === '**' ? '%%' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^\\x2F]*'),
    )
    .join('\\x2F')
    .replace(/^%%\\x2F/, '(.*\\x2F)?')
    .replace(/\\x2F%%$/, '\\x2F.*') +
  '$'
// `import()` is an import too: no-restricted-imports alone lets a dynamic one through.
const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((p) => ({ ...p })) }],
  'no-restricted-syntax': [
    'error',
    ...patterns.map(({ group, message }) => ({
      selector: `ImportExpression[source.value=/${group.map(globRegex).join('|')}/]`,
      message,
    })),
  ],
})

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'migrations/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    files: ['src/cli/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  // The layers point one way: cli/start-up → http → auth/limits → db. See README "Layout".
  {
    files: ['src/auth/**', 'src/limits/**'],
    rules: restrict([
      { group: ['hono', 'hono/*', '@hono/*'], message: 'The domain never speaks HTTP.' },
      { group: ['**/http/**', '**/cli/**'], message: 'The domain never imports a door.' },
      { group: STARTUP, message: 'The domain never imports start-up or wiring.' },
    ]),
  },
  {
    files: ['src/http/**'],
    rules: restrict([
      { group: ['**/cli/**'], message: 'HTTP never imports the CLI.' },
      { group: STARTUP, message: 'HTTP receives its dependencies; it never imports wiring.' },
    ]),
  },
  {
    files: ['src/db/**'],
    rules: restrict([
      {
        group: ['**/auth/**', '**/http/**', '**/cli/**', '**/limits/**', ...STARTUP],
        message: 'The database layer imports nothing above it.',
      },
    ]),
  },
)
