import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'client' ? [] : sourceFiles(path)
    return /\.tsx?$/.test(name) ? [path] : []
  })
}

/** Relative imports of a file, resolved to source paths (`.js` → `.ts`/`.tsx`). */
function importsOf(file: string, known: Set<string>): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const base = resolve(dirname(file), match[1]!).replace(/\.js$/, '')
    const target = [`${base}.ts`, `${base}.tsx`].find((p) => known.has(p))
    if (target) found.push(target)
  }
  return found
}

describe('the layout of src/', () => {
  it('has no import circle', () => {
    const files = sourceFiles(join(root, 'src'))
    const known = new Set(files)
    const graph = new Map(files.map((f) => [f, importsOf(f, known)]))
    const circles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        circles.push(
          [...path.slice(path.indexOf(file)), file].map((f) => relative(root, f)).join(' → '),
        )
        return
      }
      state.set(file, 'open')
      for (const next of graph.get(file)!) visit(next, [...path, file])
      state.set(file, 'done')
    }
    for (const file of files) visit(file, [])
    expect(circles).toEqual([])
  })

  // The layer rules live in eslint.config.js; `npm test` runs ESLint over the tree. These
  // show that the rules bite: each deliberate bad import is an error.
  const eslint = new ESLint({ cwd: root })
  const cases = [
    ['src/auth/bad.ts', "import { Hono } from 'hono'\nexport const x = Hono\n"],
    [
      'src/auth/bad.ts',
      "import { uiRoutes } from '../http/ui/ui-routes.js'\nexport const x = uiRoutes\n",
    ],
    ['src/http/routes/bad.ts', "import { boot } from '../../startup.js'\nexport const x = boot\n"],
    [
      'src/http/routes/bad.ts',
      "import { buildServices } from '../../services.js'\nexport const x = buildServices\n",
    ],
    [
      'src/db/bad.ts',
      "import { createUsers } from '../auth/users.js'\nexport const x = createUsers\n",
    ],
    // A dynamic import is an import too (no-restricted-imports alone lets it through).
    ['src/http/routes/bad.ts', "export const x = () => import('../../startup.js')\n"],
    ['src/auth/bad.ts', "export const x = () => import('hono')\n"],
    ['src/db/bad.ts', "export const x = () => import('../auth/users.js')\n"],
    ['src/auth/bad.ts', "import type { Context } from 'hono'\nexport type X = Context\n"],
  ] as const
  for (const [path, text] of cases) {
    it(`refuses ${text.split('\n')[0]} in ${path}`, async () => {
      const [result] = await eslint.lintText(text, { filePath: join(root, path) })
      const rules = result!.messages.map((m) => m.ruleId)
      expect(rules.some((r) => r === 'no-restricted-imports' || r === 'no-restricted-syntax')).toBe(
        true,
      )
    })
  }

  it('accepts the same imports where the layers allow them', async () => {
    const text = "import { boot } from './startup.js'\nexport const x = boot\n"
    const [result] = await eslint.lintText(text, { filePath: join(root, 'src/in-process.ts') })
    expect(result!.messages).toEqual([])
  })

  // Issue 11: one writer per table, so a rule about a row (who may change it, what is
  // audited, `updated_at`) cannot be kept in one module and missed in another.
  it('writes each table from one module only', () => {
    const schema = readFileSync(join(root, 'src/db/schema.ts'), 'utf8')
    const tables = new Set(
      [...schema.matchAll(/export const (\w+) = sqliteTable/g)].map((m) => m[1]),
    )
    const writers = new Map<string, Set<string>>()
    for (const file of sourceFiles(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8')
      for (const [, table] of text.matchAll(/\.(?:insert|update|delete)\(\s*(\w+)\s*\)/g)) {
        if (!tables.has(table!)) continue
        if (!writers.has(table!)) writers.set(table!, new Set())
        writers.get(table!)!.add(relative(root, file))
      }
    }
    const shared = [...writers].filter(([, files]) => files.size > 1)
    expect(shared.map(([table, files]) => `${table}: ${[...files].sort().join(', ')}`)).toEqual([])
  })
})
