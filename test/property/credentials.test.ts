import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  MAX_PASSWORD_LENGTH,
  normalizeUsername,
  passwordProblem,
} from '../../src/auth/credentials-policy.js'
import { pinProblem } from '../../src/auth/pins.js'

const USERNAME = /^[a-z0-9._-]{3,32}$/
const usernameChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789._-')
const username = fc.string({ unit: usernameChar, minLength: 3, maxLength: 32 })

describe('normalizeUsername (property, API §7)', () => {
  it('keeps every valid username as it is, and reads its upper-case and full-width forms as it', () => {
    fc.assert(
      fc.property(username, (name) => {
        expect(normalizeUsername(name)).toBe(name)
        expect(normalizeUsername(name.toUpperCase())).toBe(name)
        // NFKC folds full-width ASCII (ａｂｃ) to ASCII, as login does (API §7).
        const fullWidth = name.replace(/[a-z0-9]/g, (c) =>
          String.fromCodePoint(c.codePointAt(0)! + 0xfee0),
        )
        expect(normalizeUsername(fullWidth)).toBe(name)
      }),
    )
  })

  it('gives null or a valid username for any string, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (raw) => {
        const normalized = normalizeUsername(raw)
        if (normalized === null) return
        expect(normalized).toMatch(USERNAME)
        expect(normalizeUsername(normalized)).toBe(normalized)
      }),
    )
  })

  it('refuses too short, too long and any other character', () => {
    const bad = fc.oneof(
      fc.string({ unit: usernameChar, maxLength: 2 }),
      fc.string({ unit: usernameChar, minLength: 33, maxLength: 60 }),
      fc
        .tuple(username, fc.constantFrom(' ', '@', '/', '\u0000', 'é', '\u200b', '+', '$'))
        .map(([name, c]) => `${name.slice(0, 16)}${c}${name.slice(16)}`),
    )
    fc.assert(
      fc.property(bad, (raw) => {
        expect(normalizeUsername(raw)).toBeNull()
      }),
    )
  })
})

describe('pinProblem (property, API §7)', () => {
  const digits = (min: number, max: number) =>
    fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max })
  const isRun = (pin: string) => {
    const steps = new Set([...pin].slice(1).map((d, i) => (+d - +pin[i]! + 10) % 10))
    return steps.size === 1 && (steps.has(1) || steps.has(9))
  }

  it('accepts digit PINs of the minimum length and more, unless one digit or a straight run', () => {
    fc.assert(
      fc.property(digits(6, 12), (pin) => {
        const plain = !/^(\d)\1*$/.test(pin) && !isRun(pin)
        expect(pinProblem(pin, 6) === null).toBe(plain)
      }),
    )
  })

  it('refuses one digit repeated and every straight run, up or down', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 6, max: 12 }),
        fc.constantFrom(1, 9, 0),
        (start, length, step) => {
          const pin = Array.from({ length }, (_, i) => (start + i * step) % 10).join('')
          expect(pinProblem(pin, 6)).not.toBeNull()
        },
      ),
    )
  })

  it('refuses anything with a non-digit, and anything too short', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          digits(0, 5),
          fc
            .tuple(digits(6, 10), fc.string({ minLength: 1, maxLength: 3 }))
            .filter(([, s]) => /\D/.test(s))
            .map(([d, s]) => d.slice(0, 3) + s + d.slice(3)),
          digits(6, 10).map((d) => d.replace(/\d/g, (c) => '٠١٢٣٤٥٦٧٨٩'[+c]!)),
        ),
        (pin) => {
          expect(pinProblem(pin, 6)).not.toBeNull()
        },
      ),
    )
  })
})

describe('passwordProblem (property, API §7)', () => {
  it('refuses a password shorter than the minimum or longer than 256 characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 14 }), fc.string({ minLength: 257, maxLength: 400 })),
        (password) => {
          const length = [...password.normalize('NFKC')].length
          fc.pre(length < 15 || length > MAX_PASSWORD_LENGTH)
          expect(passwordProblem(password, { minLength: 15 })).not.toBeNull()
        },
      ),
    )
  })

  it('accepts long random passwords, but never one equal to the username', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 20, maxLength: 60 }),
        username,
        (password, name) => {
          const length = [...password.normalize('NFKC')].length
          fc.pre(length >= 20 && length <= MAX_PASSWORD_LENGTH)
          expect(passwordProblem(password, { minLength: 15, username: name })).toBeNull()
          const asName = name.padEnd(20, 'x')
          expect(passwordProblem(asName.toUpperCase(), { minLength: 15, username: asName })).toBe(
            'must not be the username',
          )
        },
      ),
    )
  })
})
