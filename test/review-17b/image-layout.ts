import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { packageRoot } from '../../src/package-root.js'
import { PASSWORD } from '../helpers/fixtures.js'
import { freePort, startProcess, type RunningProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

/**
 * A folder laid out as the image's /app (Dockerfile): package.json, the bundle, the UI,
 * migrations, and node_modules with the production dependencies only (what `npm prune
 * --omit=dev` keeps, read from package-lock.json), each a link into this checkout's. No src/,
 * no dist/src/, no dev dependency: a bundle that reached for one at run time fails here.
 */
export function imageLayout(): string {
  const root = packageRoot()
  const app = tempDir('hma-image-')
  mkdirSync(join(app, 'dist'))
  for (const path of ['dist/server', 'dist/ui', 'migrations', 'package.json'])
    cpSync(join(root, path), join(app, path), { recursive: true })
  for (const path of productionModules(root)) {
    mkdirSync(dirname(join(app, path)), { recursive: true })
    symlinkSync(join(root, path), join(app, path))
  }
  return app
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

/** node_modules/<name> of every top-level package the lock file does not mark dev-only. */
function productionModules(root: string): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>
  }
  return Object.entries(lock.packages)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !entry.dev)
    .map(([path]) => path)
}
