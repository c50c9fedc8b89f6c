import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { commonLists } from '../../src/common-words.js'
import { loadConfig } from '../../src/config.js'
import { generateSecret } from '../../src/secret-keys.js'
import { assessSecret } from '../../src/secret-policy.js'

const words = commonLists().words

const WEAK = [
  ['a known default', 'development-secret-change-in-production'],
  ['changeme', 'changeme'],
  ['changeme padded to length', 'changeme-changeme-please-0123456789xyz'],
  ['change + prod', 'Please-Change-Before-Prod-9f8e7d6c5b4a3210'],
  ['a placeholder', 'your-secret-here-Xq8rT2wLp9Zk4Vn7Bm3Hs6Jd'],
  ['40 identical characters', 'a'.repeat(40)],
  ['a 12-character pattern repeated to 48', 'Xk9#mP2$vL7q'.repeat(4)],
  ['password1234567890 twice', 'password1234567890password1234567890'],
  ['a random 31-character value', randomBytes(24).toString('base64').slice(0, 31)],
  ['fewer than 10 distinct characters', 'abcdefgh'.repeat(2) + 'hgfedcbaabcdefgh'],
  ['dictionary words and digits', 'correct-horse-battery-staple-1234567890'],
  ['words run together', 'correcthorsebatterystaplemonkey2024'],
]

describe('assessSecret', () => {
  it.each(WEAK)('refuses %s', (_name, secret) => {
    expect(assessSecret(secret, words).ok).toBe(false)
  })

  it.each([
    ['48 random bytes in base64', randomBytes(48).toString('base64')],
    ['48 random bytes in hex', randomBytes(48).toString('hex')],
    [
      '32 random alphanumerics',
      randomBytes(64)
        .toString('base64')
        .replace(/[^a-zA-Z0-9]/g, '')
        .slice(0, 32),
    ],
    ['the output of gen-secret', generateSecret()],
  ])('accepts %s', (_name, secret) => {
    expect(assessSecret(secret, words)).toEqual({ ok: true })
  })

  it('never puts the secret into its reason', () => {
    const secret = 'changeme-changeme-please-0123456789xyz'
    const verdict = assessSecret(secret, words)
    expect(verdict.ok).toBe(false)
    if (!verdict.ok) expect(verdict.reason).not.toContain('please')
  })
})

// The whole table through configuration, directly and as a file: the process tests
// (test/process/secret.test.ts) then need only one or two values to show exit 78.
describe('loadConfig with a weak AUTH_SECRET', () => {
  it.each(WEAK)(
    'refuses %s, directly or through AUTH_SECRET_FILE, never echoing it',
    (_n, secret) => {
      const direct = loadConfig({ AUTH_SECRET: secret }, () => '')
      const file = loadConfig({ AUTH_SECRET_FILE: '/run/secrets/auth' }, () => `${secret}\n`)
      for (const result of [direct, file]) {
        expect(result.ok).toBe(false)
        if (result.ok) continue
        expect(result.errors).toEqual([expect.stringMatching(/^AUTH_SECRET: .*gen-secret/)])
        expect(result.errors[0]).not.toContain(secret)
      }
    },
  )
})
