import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dir.js'

// Regression (issue 14): every temp dir went after each test, even the data dir of a server
// started in beforeAll; later tests passed only because Linux keeps deleted files open.
describe('tempDir', () => {
  let forFile: string
  let forTest: string
  let fromFirstTest = ''
  beforeAll(() => {
    forFile = tempDir()
    writeFileSync(join(forFile, 'auth.db'), 'kept')
  })
  beforeEach(() => {
    forTest = tempDir()
  })
  afterEach(() => {
    // Still there for the test's own clean-up (a server stopped in afterEach).
    expect(existsSync(forTest)).toBe(true)
  })

  it('keeps a dir made in beforeAll, and one made in beforeEach, through the test', () => {
    expect(existsSync(join(forFile, 'auth.db'))).toBe(true)
    expect(existsSync(forTest)).toBe(true)
    fromFirstTest = tempDir()
  })

  it('removes a test’s dirs after it, and keeps the beforeAll dir for the next test', () => {
    expect(fromFirstTest).not.toBe('')
    expect(existsSync(fromFirstTest)).toBe(false)
    expect(existsSync(join(forFile, 'auth.db'))).toBe(true)
  })
})
