// The server, the CLI and the image's healthcheck as one ESM file each (dist/server/), with the
// modules only some requests need split into chunks loaded on first use (import()). One file
// instead of ~400 makes the start-up mostly parsing: see bench/README.md (cold start).
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import process from 'node:process'
import { join, relative as relativePath, resolve } from 'node:path'
import { build } from 'esbuild'

// Native modules stay in node_modules: esbuild cannot bundle a .node file.
const NATIVE = ['argon2', 'better-sqlite3']

/**
 * Two packages export far more than the server uses, in a form esbuild cannot trim: each is
 * narrowed to what the code imports (a name the code starts to use fails the build, loudly).
 * rate-limiter-flexible's index requires every store (Redis, Mongo, Postgres …), ~170 KiB;
 * zod's namespace carries its 50 error-message locales, ~360 KiB (only `en`, zod's default,
 * is used). Together ~6 MiB resident and their parse time at every start.
 */
const NARROWED = {
  'rate-limiter-flexible': [
    "export { default as RateLimiterSQLite } from 'rate-limiter-flexible/lib/RateLimiterSQLite.js'",
    "export { default as RateLimiterRes } from 'rate-limiter-flexible/lib/RateLimiterRes.js'",
  ],
  'zod-locales': ["export { default as en } from 'zod/v4/locales/en.js'"],
}
const narrow = {
  name: 'narrow',
  setup(build) {
    const to = (path) => ({ path, namespace: 'narrowed' })
    build.onResolve({ filter: /^rate-limiter-flexible$/ }, () => to('rate-limiter-flexible'))
    build.onResolve({ filter: /\/locales\/index\.js$/ }, ({ importer }) =>
      importer.includes('/node_modules/zod/') ? to('zod-locales') : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'narrowed' }, ({ path }) => ({
      contents: NARROWED[path].join('\n'),
      resolveDir: process.cwd(),
    }))
  },
}

// BUNDLE_OUT: another folder, for the test of this script (test/review-17b/bundle-rebuild.test.ts).
const OUT = process.env.BUNDLE_OUT ?? 'dist/server'

const { metafile } = await build({
  entryPoints: {
    main: 'src/main.ts',
    cli: 'src/cli/main.ts',
    healthcheck: 'src/healthcheck.ts',
  },
  outdir: OUT,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: NATIVE,
  plugins: [narrow],
  // CommonJS dependencies (pino, drizzle's helpers, oidc-provider's koa …) call require():
  // give the ESM bundle one, and __filename/__dirname for those that read them.
  banner: {
    js: [
      "import { createRequire as __hmaCreateRequire } from 'node:module'",
      "import { fileURLToPath as __hmaFileURLToPath } from 'node:url'",
      'const require = __hmaCreateRequire(import.meta.url)',
      'const __filename = __hmaFileURLToPath(import.meta.url)',
      "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'))",
    ].join('\n'),
  },
  // The shebang of src/cli/main.ts is kept by esbuild for cli.js (the package's `bin`).
  legalComments: 'none',
  // Whitespace and syntax only: names stay, so a logged stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  // Node prints the source line of an uncaught error above its stack: without a limit one
  // minified line ran to ~250 KB, and a crash wrote that into the log.
  lineLimit: 400,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
})

// zxcvbn's lists, one entry a line under a header that lets the server tell a whole list from a
// damaged one, made by src/common-words.ts's own rules (tsc's output, built just before this
// step): reading them is ~4× cheaper than unpacking the package at start. Each is written
// whole or not at all (a rename), so a process starting meanwhile never reads half of one.
const { listFileText } = await import('../dist/src/common-words.js')
mkdirSync(join(OUT, 'common-words'), { recursive: true })
const listPath = (name) => join(OUT, 'common-words', `${name}.txt`)
for (const name of ['passwords', 'words']) {
  writeFileSync(`${listPath(name)}.tmp`, listFileText(name))
  renameSync(`${listPath(name)}.tmp`, listPath(name))
}

// Chunk names carry a hash: remove those of earlier builds, only after writing this one, so a
// process starting meanwhile finds a whole bundle. Those of the build just before stay: a
// server started from it (npm start in a checkout, between a `git pull` and its restart; the
// CLI's `npm run cli` rebuilds first) still imports its lazily loaded chunks by their names,
// and without them answered 500 to the first passkey, TOTP or OIDC request. They go at the
// build after next. The record lists the files of this build, relative to OUT.
const RECORD = 'outputs.json'
const relative = (path) => relativePath(resolve(OUT), resolve(path))
const previous = existsSync(join(OUT, RECORD))
  ? JSON.parse(readFileSync(join(OUT, RECORD), 'utf8'))
  : []
const written = [
  ...Object.keys(metafile.outputs).map(relative),
  ...['passwords', 'words'].map((name) => relative(listPath(name))),
]
writeFileSync(join(OUT, RECORD), JSON.stringify(written))
const keep = new Set([...written, ...previous, RECORD])
for (const entry of readdirSync(OUT, { recursive: true, withFileTypes: true })) {
  const path = join(entry.parentPath ?? entry.path, entry.name)
  if (entry.isFile() && !keep.has(relative(path))) rmSync(path)
}
