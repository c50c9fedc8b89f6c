import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultMigrationsDir } from '../../src/package-root.js'

/** The real migrations plus one more from test/fixtures, as a new version would ship them. */
export function migrationsWithExtra(dir: string, fixture: string): string {
  cpSync(defaultMigrationsDir(), dir, { recursive: true })
  const journalPath = join(dir, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as {
    entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[]
  }
  const last = journal.entries.at(-1)!
  const tag = `${String(last.idx + 1).padStart(4, '0')}_${fixture}`
  journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag })
  writeFileSync(journalPath, JSON.stringify(journal, null, 2))
  const sql = readFileSync(new URL(`../fixtures/${fixture}.sql`, import.meta.url), 'utf8')
  writeFileSync(join(dir, `${tag}.sql`), sql)
  return dir
}
