// The server, the CLI and the image's healthcheck as one ESM file each (dist/server/), with the
// modules only some requests need split into chunks loaded on first use (import()). One file
// instead of ~400 makes the start-up mostly parsing: see bench/README.md (cold start).
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'

// Native modules stay in node_modules: esbuild cannot bundle a .node file.
const NATIVE = ['argon2', 'better-sqlite3']

const OUT = 'dist/server'

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
  metafile: true,
  logLevel: 'warning',
})

// Chunk names carry a hash: remove those of earlier builds (only after writing this one, so a
// process starting meanwhile finds a whole bundle).
const written = new Set(Object.keys(metafile.outputs))
for (const entry of readdirSync(OUT, { recursive: true, withFileTypes: true })) {
  const path = join(entry.parentPath ?? entry.path, entry.name)
  if (entry.isFile() && !written.has(path)) rmSync(path)
}
