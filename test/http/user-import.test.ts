import argon2 from 'argon2'
import bcrypt from 'bcryptjs'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { importUsers } from '../../src/auth/user-import.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { argon2CLIHash, ensureArgon2CLI } from '../helpers/argon2-cli.js'
import { errorOf } from '../helpers/fixtures.js'

let t: TestApp
beforeAll(() => ensureArgon2CLI())
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const passwordOf = (username: string) => `the old password of ${username}`
const signIn = (username: string, password = passwordOf(username)) =>
  t.call('POST', '/v1/login/password', { json: { username, password } })
const storedHash = (username: string) =>
  (
    t.services.database.sqlite
      .prepare('SELECT password_hash FROM users WHERE username = ?')
      .get(username) as { password_hash: string }
  ).password_hash

/** Imports one user per hash, then signs each in with its password and a wrong one. */
async function importAndSignIn(hashes: Record<string, string>) {
  const rows = Object.entries(hashes).map(([username, password_hash]) => ({
    username,
    password_hash,
  }))
  const result = importUsers(t.services, rows)
  expect(result.ok ? [] : result.errors).toEqual([])
  for (const username of Object.keys(hashes)) {
    expect(await errorOf(await signIn(username, 'not the old password')), username).toEqual({
      status: 401,
      error: 'invalid_credentials',
    })
    expect((await signIn(username)).status, username).toBe(200)
    // After the first sign-in the stored hash is argon2id at this service's own cost.
    const { memoryKiB, timeCost, parallelism } = t.services.config.argon2
    const cost = { memoryCost: memoryKiB, timeCost, parallelism }
    expect(argon2.needsRehash(storedHash(username), cost), username).toBe(false)
  }
}

describe('user import: hashes made by real libraries sign in (API §8)', () => {
  it('takes argon2id from the argon2 package in its own m,p,t order (this service’s export)', async () => {
    const ownExport = await t.services.hasher.hash(passwordOf('own'))
    expect(ownExport).toMatch(/^\$argon2id\$v=19\$m=\d+,p=\d+,t=\d+\$/)
    await importAndSignIn({
      own: ownExport,
      packagedefault: await argon2.hash(passwordOf('packagedefault'), { type: argon2.argon2id }),
      small: await argon2.hash(passwordOf('small'), {
        type: argon2.argon2id,
        memoryCost: 8,
        timeCost: 1,
        parallelism: 1,
      }),
    })
  })

  it('takes argon2id from the reference argon2 CLI (m,t,p order), up to p=8', async () => {
    await importAndSignIn({
      cliowasp: argon2CLIHash(passwordOf('cliowasp'), {
        memoryKiB: 19_456,
        timeCost: 2,
        parallelism: 1,
      }),
      cliwide: argon2CLIHash(passwordOf('cliwide'), {
        memoryKiB: 1024,
        timeCost: 3,
        parallelism: 8,
      }),
    })
  })

  it('takes bcrypt from bcryptjs under $2a$, $2b$ and $2y$', async () => {
    const made = (username: string) => bcrypt.hashSync(passwordOf(username), 4)
    const b = made('bcryptb')
    expect(b.startsWith('$2b$04$')).toBe(true)
    // $2a$/$2y$ differ from $2b$ only in how old implementations handled >255-byte passwords;
    // bcryptjs verifies all three, so its own hash under each prefix stands for them.
    await importAndSignIn({
      bcryptb: b,
      bcrypta: made('bcrypta').replace('$2b$', '$2a$'),
      bcrypty: made('bcrypty').replace('$2b$', '$2y$'),
      bcryptjsten: bcrypt.hashSync(passwordOf('bcryptjsten'), 10),
    })
  })
})

describe('user import: refused hashes change nothing', () => {
  let row = 0
  /** The problems with `hash`, [] when imported; a refused file leaves even its good rows out. */
  const problemsOf = (password_hash: string) => {
    const [early, username] = [`early${++row}`, `kid${row}`]
    const result = importUsers(t.services, [{ username: early }, { username, password_hash }])
    if (result.ok) return []
    expect(t.services.users.findByUsername(early)).toBeFalsy()
    return result.errors.map((e) => e.replace(`row 2 (${username}): password_hash: `, ''))
  }

  it('refuses argon2id past its bounds, with a duplicate or unknown parameter', async () => {
    const good = await argon2.hash('x', { type: argon2.argon2id, memoryCost: 1024, timeCost: 1 })
    const [, , version, , salt, tag] = good.split('$')
    const withParams = (params: string) => `$argon2id$${version}$${params}$${salt}$${tag}`
    expect(problemsOf(withParams('t=10,p=8,m=262144'))).toEqual([])
    expect(problemsOf(withParams('p=1,m=64,t=1'))).toEqual([])
    for (const [params, problem] of [
      ['m=262145,t=2,p=1', 'argon2id m must be from 8 to 262144 KiB'],
      ['m=19456,t=11,p=1', 'argon2id t must be from 1 to 10'],
      ['p=9,m=19456,t=2', 'argon2id p must be from 1 to 8'],
      ['m=19456,t=0,p=1', 'argon2id t must be from 1 to 10'],
      ['m=16,t=1,p=4', 'argon2id m must be at least 8 × p KiB'],
      ['m=19456,t=2,p=1,t=3', 'argon2id parameter t is given twice'],
      ['m=19456,t=2,p=1,keyid=1', 'argon2id parameter "keyid" is unknown (only m, t and p)'],
      ['m=19456,t=2', 'argon2id parameter p is missing'],
      ['m=019456,t=2,p=1', 'argon2id parameter m must be a whole number'],
    ] as const) {
      expect(problemsOf(withParams(params)), params).toEqual([problem])
    }
  })

  it('refuses bcrypt outside cost 4–15 and other schemes', async () => {
    const four = bcrypt.hashSync('x', 4)
    const withCost = (cost: string) => four.replace('$04$', `$${cost}$`)
    expect(problemsOf(withCost('15'))).toEqual([])
    for (const cost of ['16', '31', '03'])
      expect(problemsOf(withCost(cost))).toEqual(['bcrypt cost must be from 4 to 15'])
    const format = 'must be a bcrypt ($2a$/$2b$/$2y$) or argon2id PHC string'
    const argon2i = await argon2.hash('x', { type: argon2.argon2i, memoryCost: 1024, timeCost: 1 })
    for (const other of [four.replace('$2b$', '$2x$'), argon2i, 'plaintext-password'])
      expect(problemsOf(other), other).toEqual([format])
  })
})
