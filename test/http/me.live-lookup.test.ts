import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, login } from '../helpers/fixtures.js'
import { listen, type Listening } from '../helpers/listening.js'
import { addPasskey } from '../helpers/second-factors.js'

// GET /v1/me reads the session's state, the person, their groups and their passkeys in one
// statement on every request, the access token's verification cached: over a real socket
// (the server's way), each answer shows what the database holds at that moment.
let t: TestApp
let server: Listening
let admin: string
beforeAll(async () => {
  t = await createTestApp()
  server = await listen(t)
  await addUser(t, 'owner', { role: 'admin' })
  admin = (await login(t, 'owner')).access_token
})
afterAll(async () => {
  await server.close()
  t.close()
})

const me = (token: string) =>
  fetch(`${server.base}/v1/me`, { headers: { authorization: `Bearer ${token}` } })

/** What the admin view says of the person, in /v1/me's fields. */
async function adminSays(id: string) {
  const response = await t.call('GET', `/v1/admin/users/${id}`, { token: admin })
  const { user } = (await response.json()) as { user: Record<string, unknown> }
  return Object.fromEntries(
    Object.entries(user).filter(([name]) => name !== 'disabled' && name !== 'created_at'),
  )
}

describe('GET /v1/me, the same token twice', () => {
  it('shows the groups, passkeys and methods the database holds at each request', async () => {
    const alice = await addUser(t, 'alice')
    const { access_token } = await login(t, 'alice')
    const first = await me(access_token)
    expect(first.status).toBe(200)
    expect(await first.json()).toEqual({
      id: alice.id,
      username: 'alice',
      display_name: 'Alice',
      role: 'member',
      email: null,
      email_verified: false,
      groups: [],
      methods: {
        password: true,
        totp: false,
        passkeys: 0,
        pin: false,
        quick_login: false,
        mfa: false,
      },
    })
    for (const name of ['kids', 'a-team']) t.services.groups.add(name)
    t.services.groups.setForUser(alice.id, ['kids', 'a-team'])
    await addPasskey(t, access_token)
    const second = await me(access_token)
    const shown = (await second.json()) as { groups: string[]; methods: { passkeys: number } }
    expect(shown.groups).toEqual(['a-team', 'kids'])
    expect(shown.methods.passkeys).toBe(1)
    expect(shown).toEqual(await adminSays(alice.id))
  })

  it('refuses the second request once the session is revoked', async () => {
    await addUser(t, 'bob')
    const tokens = await login(t, 'bob')
    expect((await me(tokens.access_token)).status).toBe(200)
    t.services.sessions.revoke(tokens.session_id)
    const refused = await me(tokens.access_token)
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as { error: string }).error).toBe('unauthorized')
  })

  it('refuses the second request once the person is disabled, sessions untouched', async () => {
    const carol = await addUser(t, 'carol')
    const tokens = await login(t, 'carol')
    expect((await me(tokens.access_token)).status).toBe(200)
    // The users table alone: the session stays live, the disabled flag must refuse.
    t.services.users.update(carol.id, { disabled: true })
    expect(t.services.sessions.isActive(tokens.session_id)).toBe(true)
    expect((await me(tokens.access_token)).status).toBe(401)
    t.services.users.update(carol.id, { disabled: false })
    expect((await me(tokens.access_token)).status).toBe(200)
  })

  it('refuses a token whose person was removed', async () => {
    const dave = await addUser(t, 'dave')
    const tokens = await login(t, 'dave')
    expect((await me(tokens.access_token)).status).toBe(200)
    t.services.users.remove(dave.id)
    expect((await me(tokens.access_token)).status).toBe(401)
  })
})
