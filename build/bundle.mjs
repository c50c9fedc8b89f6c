// The server, the CLI and the image's healthcheck as one ESM file each (dist/server/), with the
// modules only some requests need split into chunks loaded on first use (import()). One file
// instead of ~400 makes the start-up mostly parsing: see bench/README.md (cold start).
import { rmSync } from 'node:fs'
import { build } from 'esbuild'

// Native modules stay in node_modules: esbuild cannot bundle a .node file.
const NATIVE = ['argon2', 'better-sqlite3']

// Chunk names carry a hash: chunks of an earlier build would pile up.
rmSync('dist/server', { recursive: true, force: true })

await build({
  entryPoints: {
    main: 'src/main.ts',
    cli: 'src/cli/main.ts',
    healthcheck: 'src/healthcheck.ts',
  },
  outdir: 'dist/server',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: NATIVE,
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
  sourcemap: 'linked',
  logLevel: 'warning',
})
