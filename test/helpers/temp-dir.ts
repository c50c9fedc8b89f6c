import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, onTestFinished } from 'vitest'

// Folders made outside a test (in beforeAll, or while the file is collected) serve every test
// of the file, e.g. the data dir of a server started once: they go when the file is done.
// This afterAll is registered first, so it runs after the file's own (which stop servers).
const madeForFile: string[] = []
afterAll(() => {
  for (const dir of madeForFile.splice(0)) remove(dir)
})

/**
 * A temp folder that lives as long as what made it: one made inside a test (or its
 * beforeEach) is removed when that test has finished, after its afterEach hooks; one made in
 * beforeAll is removed after the file's last test.
 */
export function tempDir(prefix = 'hma-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  if (!removeWhenTestFinishes(dir)) madeForFile.push(dir)
  return dir
}

function removeWhenTestFinishes(dir: string): boolean {
  try {
    onTestFinished(() => remove(dir))
    return true
  } catch {
    // Not inside a test: vitest refuses onTestFinished there.
    return false
  }
}

function remove(dir: string) {
  rmSync(dir, { recursive: true, force: true })
}
