import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../src/package-root.js'
import { dockerInstructions } from '../helpers/deployment-rules.js'
import { tempDir } from '../helpers/temp-dir.js'

// The Dockerfile's prune step, run as written on a copy of the installed modules (no Docker
// engine here): what the runtime layer keeps must still load and open a database.
const pruneStep = () =>
  dockerInstructions(readFileSync(join(packageRoot(), 'Dockerfile'), 'utf8'))
    .filter((i) => i.keyword === 'RUN')
    .map((i) => i.args)
    .find((args) => args.includes('better-sqlite3'))!

describe('the image prune step', () => {
  it('removes the compile leftovers and @types, and better-sqlite3 still works', () => {
    const app = tempDir()
    const modules = join(app, 'node_modules')
    for (const name of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
      cpSync(join(packageRoot(), 'node_modules', name), join(modules, name), { recursive: true })
    }
    mkdirSync(join(modules, '@types/node'), { recursive: true })
    writeFileSync(join(modules, '@types/node/index.d.ts'), '')

    execFileSync('sh', ['-c', pruneStep().replaceAll('/app/', `${app}/`)], { cwd: app })

    const sqlite = join(modules, 'better-sqlite3')
    for (const gone of ['deps', 'src', 'build/Release/obj', 'build/Release/obj.target'])
      expect(existsSync(join(sqlite, gone))).toBe(false)
    expect(existsSync(join(modules, '@types'))).toBe(false)
    expect(existsSync(join(sqlite, 'build/Release/better_sqlite3.node'))).toBe(true)
    const Database = createRequire(join(app, 'index.js'))('better-sqlite3') as new (
      path: string,
    ) => { prepare(sql: string): { get(): unknown }; close(): void }
    const db = new Database(':memory:')
    expect(db.prepare('SELECT 1 + 1 AS two').get()).toEqual({ two: 2 })
    db.close()
  })
})
