import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { commonLists } from '../../src/common-words.js'

const moduleCache = () => Object.keys(createRequire(import.meta.url).cache)

describe('commonLists', () => {
  it('knows common passwords (folded to lower case) and dictionary words', () => {
    const lists = commonLists()
    expect(lists.passwords.has('password')).toBe(true)
    expect(lists.passwords.has('qwerty')).toBe(true)
    expect(lists.words.has('dragon')).toBe(true)
    expect(lists.words.has('ab')).toBe(false) // fewer than 3 letters
    expect(lists.words.size).toBeGreaterThan(30_000)
  })

  it("leaves no unpacked list in Node's module cache, so a server at rest can free them", () => {
    expect(commonLists().words.size).toBeGreaterThan(0)
    expect(commonLists().passwords.size).toBeGreaterThan(0)
    expect(moduleCache().filter((path) => path.includes('@zxcvbn-ts'))).toEqual([])
  })
})
