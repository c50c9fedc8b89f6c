import argon2 from 'argon2'
import bcrypt from 'bcryptjs'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { importedHashProblem } from '../../src/auth/imported-hash.js'

// API §8: argon2id PHC strings with m, t, p named in any order (m ≤ 262144 KiB, t ≤ 10,
// p ≤ 8), bcrypt $2a$/$2b$/$2y$ of cost 4–15. Salt and tag come from a real hash.
let salt = ''
let tag = ''
let real = ''
beforeAll(async () => {
  real = await argon2.hash('imported password', {
    type: argon2.argon2id,
    memoryCost: 64,
    timeCost: 1,
    parallelism: 1,
  })
  const fields = real.split('$')
  salt = fields[4]!
  tag = fields[5]!
})
const phc = (params: [string, number | string][]) =>
  `$argon2id$v=19$${params.map(([k, v]) => `${k}=${v}`).join(',')}$${salt}$${tag}`

const p = fc.integer({ min: 1, max: 8 })
const inBounds = p.chain((pv) =>
  fc.tuple(
    fc.integer({ min: 8 * pv, max: 262_144 }),
    fc.integer({ min: 1, max: 10 }),
    fc.constant(pv),
  ),
)
const order = fc.shuffledSubarray(['m', 't', 'p'] as const, { minLength: 3, maxLength: 3 })
const named = (values: [number, number, number], keys: readonly ('m' | 't' | 'p')[]) =>
  keys.map((k): [string, number] => [k, values['mtp'.indexOf(k)]!])

describe('importedHashProblem (property)', () => {
  it('accepts argon2id parameters in bounds, in any order', () => {
    fc.assert(
      fc.property(inBounds, order, (values, keys) => {
        expect(importedHashProblem(phc(named(values, keys)))).toBeNull()
      }),
    )
  })

  it('refuses any parameter out of bounds, in any order', () => {
    const outOfBounds = fc.oneof(
      fc.tuple(fc.integer({ min: 262_145, max: 2 ** 31 }), fc.constant(2), fc.constant(1)),
      fc.tuple(fc.constant(19_456), fc.integer({ min: 11, max: 10_000 }), fc.constant(1)),
      fc.tuple(fc.constant(19_456), fc.constant(2), fc.integer({ min: 9, max: 255 })),
      fc.tuple(fc.constant(19_456), fc.constant(0), fc.constant(1)),
      fc.tuple(fc.constant(19_456), fc.constant(2), fc.constant(0)),
      p.chain((pv) =>
        fc.tuple(fc.integer({ min: 0, max: 8 * pv - 1 }), fc.constant(1), fc.constant(pv)),
      ),
    )
    fc.assert(
      fc.property(outOfBounds, order, (values, keys) => {
        expect(importedHashProblem(phc(named(values, keys)))).not.toBeNull()
      }),
    )
  })

  it('refuses a parameter given twice, an unknown one, or one missing', () => {
    const key = fc.constantFrom('m', 't', 'p')
    const unknown = fc.stringMatching(/^[a-z]{1,6}$/).filter((k) => !['m', 't', 'p'].includes(k))
    fc.assert(
      fc.property(inBounds, order, key, unknown, fc.nat(3), (values, keys, twice, other, at) => {
        const params = named(values, keys)
        const duplicated = [...params]
        duplicated.splice(at, 0, [twice, params.find(([k]) => k === twice)![1]])
        const extra = [...params]
        extra.splice(at, 0, [other, 1])
        expect(importedHashProblem(phc(duplicated))).toMatch(/given twice/)
        expect(importedHashProblem(phc(extra))).toMatch(/unknown/)
        expect(importedHashProblem(phc(params.filter(([k]) => k !== twice)))).toMatch(/missing/)
      }),
    )
  })

  it('verifies the same password whatever the order: the order carries no meaning', async () => {
    const values = real
      .split('$')[3]!
      .split(',')
      .map((kv) => kv.split('=') as [string, string])
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(values, { minLength: 3, maxLength: 3 }), async (kv) => {
        const reordered = phc(kv)
        expect(importedHashProblem(reordered)).toBeNull()
        expect(await argon2.verify(reordered, 'imported password')).toBe(true)
      }),
      { numRuns: 6 },
    )
  })

  it('accepts bcrypt of cost 4–15 only, under $2a$, $2b$ and $2y$', () => {
    const made = bcrypt.hashSync('x', 4).slice(7)
    fc.assert(
      fc.property(fc.constantFrom('2a', '2b', '2y'), fc.integer({ min: 0, max: 99 }), (v, cost) => {
        const hash = `$${v}$${String(cost).padStart(2, '0')}$${made}`
        expect(importedHashProblem(hash) === null).toBe(cost >= 4 && cost <= 15)
      }),
    )
  })

  it('refuses any other string without throwing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (text) => {
        expect(importedHashProblem(text)).not.toBeNull()
      }),
    )
  })
})
