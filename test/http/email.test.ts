import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login } from '../helpers/fixtures.js'

let t: TestApp
let admin: string
beforeEach(async () => {
  t = await createTestApp()
  await addUser(t, 'alice', { role: 'admin' })
  admin = (await login(t, 'alice')).access_token
})
afterEach(() => t.close())

const me = async (token: string) =>
  (await (await t.call('GET', '/v1/me', { token })).json()) as Record<string, unknown>

describe('PATCH /v1/me {"email"}', () => {
  it('sets the person’s own address, lower-cased and unverified; null removes it', async () => {
    await addUser(t, 'bob')
    const token = (await login(t, 'bob')).access_token
    const set = await t.call('PATCH', '/v1/me', { token, json: { email: ' Bob@Home.Arpa ' } })
    expect(set.status).toBe(200)
    expect(await set.json()).toMatchObject({ email: 'bob@home.arpa', email_verified: false })
    expect(await me(token)).toMatchObject({ email: 'bob@home.arpa', email_verified: false })
    const cleared = await t.call('PATCH', '/v1/me', { token, json: { email: null } })
    expect(await cleared.json()).toMatchObject({ email: null, email_verified: false })
  })

  it('refuses what is not an address (400) and someone else’s in any case (409)', async () => {
    await addUser(t, 'bob')
    const token = (await login(t, 'bob')).access_token
    await t.call('PATCH', '/v1/me', { token: admin, json: { email: 'alice@home.arpa' } })
    for (const email of ['nope', 'a@', `${'x'.repeat(250)}@b.co`, 7, ['a@b.co']]) {
      const bad = await t.call('PATCH', '/v1/me', { token, json: { email } })
      expect(await errorOf(bad)).toEqual({ status: 400, error: 'invalid_request' })
    }
    const taken = await t.call('PATCH', '/v1/me', { token, json: { email: 'ALICE@home.arpa' } })
    expect(await errorOf(taken)).toEqual({ status: 409, error: 'conflict' })
    expect(await me(token)).toMatchObject({ email: null })
  })
})

describe('PATCH /v1/admin/users/:id {"email"}', () => {
  it('sets a verified address; the person’s own later change un-verifies it', async () => {
    const bob = await addUser(t, 'bob')
    const set = await t.call('PATCH', `/v1/admin/users/${bob.id}`, {
      token: admin,
      json: { email: 'Bob@Home.Arpa' },
    })
    expect(set.status).toBe(200)
    expect(((await set.json()) as { user: unknown }).user).toMatchObject({
      email: 'bob@home.arpa',
      email_verified: true,
    })
    const token = (await login(t, 'bob')).access_token
    await t.call('PATCH', '/v1/me', { token, json: { email: 'bob2@home.arpa' } })
    expect(await me(token)).toMatchObject({ email: 'bob2@home.arpa', email_verified: false })
  })

  it('answers 409 for an address another person has, changing nothing else', async () => {
    const bob = await addUser(t, 'bob')
    await t.call('PATCH', '/v1/me', { token: admin, json: { email: 'alice@home.arpa' } })
    const refused = await t.call('PATCH', `/v1/admin/users/${bob.id}`, {
      token: admin,
      json: { email: 'Alice@home.arpa', display_name: 'Robert' },
    })
    expect(await errorOf(refused)).toEqual({ status: 409, error: 'conflict' })
    expect(t.services.users.findById(bob.id)).toMatchObject({ email: null, displayName: 'Bob' })
  })
})

describe('PATCH /v1/admin/users/:id with an email and other changes', () => {
  // Regression: the email was written first, in its own commit; a refused role change left
  // it changed.
  it('applies the whole PATCH or none of it', async () => {
    const alice = t.services.users.findByUsername('alice')!
    const refused = await t.call('PATCH', `/v1/admin/users/${alice.id}`, {
      token: admin,
      json: { email: 'alice@home.arpa', role: 'member' }, // the last admin: 409
    })
    expect(await errorOf(refused)).toEqual({ status: 409, error: 'conflict' })
    expect(t.services.users.findById(alice.id)!.email).toBeNull()
    const bob = await addUser(t, 'bob')
    const both = await t.call('PATCH', `/v1/admin/users/${bob.id}`, {
      token: admin,
      json: { email: 'bob@home.arpa', display_name: 'Bobby' },
    })
    expect(await both.json()).toMatchObject({
      user: { email: 'bob@home.arpa', email_verified: true, display_name: 'Bobby' },
    })
  })
})
