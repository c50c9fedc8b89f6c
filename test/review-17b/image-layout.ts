import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { packageRoot } from '../../src/package-root.js'
import { PASSWORD } from '../helpers/fixtures.js'
import { freePort, startProcess, type RunningProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'
import { dockerInstructions } from '../helpers/deployment-rules.js'

/**
 * A folder laid out as the image's /app, by the runtime stage's COPY lines of the Dockerfile
 * (the build stage's /app is this checkout after `npm run build`): package.json, the bundle,
 * the UI, migrations, and node_modules with the production dependencies only (what `npm prune
 * --omit=dev` keeps, read from package-lock.json), each a link into this checkout's. No src/,
 * no dist/src/, no dev dependency: a bundle that reached for one at run time fails here, and so
 * does a COPY of a path the build does not make.
 */
export function imageLayout(): string {
  const root = packageRoot()
  const app = tempDir('hma-image-')
  for (const path of imageCopies(readFileSync(join(root, 'Dockerfile'), 'utf8'))) {
    if (path === 'node_modules') {
      for (const module of productionModules(root)) {
        mkdirSync(dirname(join(app, module)), { recursive: true })
        symlinkSync(join(root, module), join(app, module))
      }
    } else {
      mkdirSync(dirname(join(app, path)), { recursive: true })
      cpSync(join(root, path), join(app, path), { recursive: true })
    }
  }
  return app
}

/** The paths under /app that the runtime stage copies, each to the same path in its /app. */
export function imageCopies(dockerfile: string): string[] {
  const all = dockerInstructions(dockerfile)
  const runtime = all.slice(all.findLastIndex((i) => i.keyword === 'FROM'))
  return runtime
    .filter((i) => i.keyword === 'COPY')
    .map(({ args }) => {
      const [, path, target] = /^(?:--from=build \/app\/)?(\S+) \.\/(\S+)$/.exec(args) ?? []
      if (!path || path !== target) throw new Error(`COPY not understood: ${args}`)
      return path
    })
}

/**
 * The bundled server (dist/server/main.js) of a fresh image layout, from a folder that is not
 * the app's, with a strong secret and the admin `owner` (PASSWORD); `env` adds to that.
 */
export async function startImageServer(env: Record<string, string> = {}): Promise<RunningProcess> {
  return startProcess(
    {
      AUTH_SECRET: strongSecret(),
      AUTH_DATA_DIR: tempDir(),
      AUTH_INITIAL_ADMIN_USERNAME: 'owner',
      AUTH_INITIAL_ADMIN_PASSWORD: PASSWORD,
      ...env,
    },
    { cwd: tempDir(), port: await freePort(), root: imageLayout() },
  )
}

/** The bundled CLI of an image layout `app`, run to its end from a folder that is not the app's. */
export async function runImageCLI(
  app: string,
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<{ code: number | null; output: string }> {
  const running = startProcess(
    { AUTH_DATA_DIR: join(tempDir(), 'data'), ...env },
    { cwd: tempDir(), root: app, entry: 'cli', args, ...(input === undefined ? {} : { input }) },
  )
  const { code } = await running.exited
  return { code, output: running.output() }
}

/** node_modules/<name> of every top-level package the lock file does not mark dev-only. */
function productionModules(root: string): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>
  }
  return Object.entries(lock.packages)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !entry.dev)
    .map(([path]) => path)
}
