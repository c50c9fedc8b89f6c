import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.js'
import { household, ROLES, type People, type Role } from '../helpers/authz-people.js'
import { PASSWORD } from '../helpers/fixtures.js'
import { HOME } from '../helpers/household.js'

/** [status, error code] a role gets; a role left out has nothing to show on that route. */
type Expected = [number, string?]
interface Entry {
  /** The path with `:id` filled in; a valid body, so only authorization can refuse it. */
  path: (ids: People['own']) => string
  json?: unknown
  expected: Partial<Record<Role, Expected>>
}

const UNAUTHORIZED: Expected = [401, 'unauthorized']
const STEP_UP: Expected = [403, 'step_up_required']
const FORBIDDEN: Expected = [403, 'forbidden']
const NOT_FOUND: Expected = [404, 'not_found']

/** Anyone may call it; a token, good or bad, changes nothing. */
const open = (path: string, expected: Expected, json?: unknown): Entry => ({
  path: () => path,
  json,
  expected: Object.fromEntries(ROLES.filter((r) => r !== 'other').map((r) => [r, expected])),
})
/** The signed-in person's own things; `other` is the member naming someone else's id. */
const mine = (path: Entry['path'], member: number, extra: Partial<Entry> = {}): Entry => ({
  path,
  ...extra,
  expected: {
    none: UNAUTHORIZED,
    expired: UNAUTHORIZED,
    pin: STEP_UP,
    member: [member],
    admin: [member],
    ...extra.expected,
  },
})
/** Admins only, and never on a PIN alone (API §5, §7). */
const admins = (path: Entry['path'], admin: number, json?: unknown): Entry => ({
  path,
  json,
  expected: {
    none: UNAUTHORIZED,
    expired: UNAUTHORIZED,
    pin: STEP_UP,
    other: FORBIDDEN,
    member: FORBIDDEN,
    admin: [admin],
  },
})
/** Another person's session or passkey id is not found, for a member and an admin alike. */
const withOther = { expected: { other: NOT_FOUND, admin: NOT_FOUND } }
const invalid: Expected = [400, 'invalid_request']
const user =
  (suffix = '') =>
  (ids: People['own']) =>
    `/v1/admin/users/${ids.userId}${suffix}`

const MATRIX: Record<string, Entry> = {
  'POST /v1/login/password': open('/v1/login/password', invalid, {}),
  'POST /v1/setup': open('/v1/setup', invalid, {}),
  'POST /v1/login/totp': open('/v1/login/totp', invalid, {}),
  'POST /v1/login/recovery-code': open('/v1/login/recovery-code', invalid, {}),
  'POST /v1/login/webauthn/options': open('/v1/login/webauthn/options', invalid, []),
  'POST /v1/login/webauthn/verify': open('/v1/login/webauthn/verify', invalid, {}),
  'GET /v1/quick-login/profiles': open('/v1/quick-login/profiles', [200]),
  'POST /v1/quick-login': open('/v1/quick-login', invalid, {}),
  'POST /v1/token/refresh': open('/v1/token/refresh', invalid, {}),
  'POST /v1/logout': open('/v1/logout', invalid, {}),
  'POST /v1/password-reset': open('/v1/password-reset', invalid, {}),
  'GET /v1/me': mine(() => '/v1/me', 200, { expected: { pin: [200] } }),
  'PUT /v1/me/password': mine(() => '/v1/me/password', 204, {
    json: { current_password: PASSWORD, new_password: 'a brand new long password' },
  }),
  'PUT /v1/me/pin': mine(() => '/v1/me/pin', 204, {
    json: { pin: '739164', current_password: PASSWORD },
  }),
  'DELETE /v1/me/pin': mine(() => '/v1/me/pin', 204),
  'PUT /v1/me/quick-login': mine(() => '/v1/me/quick-login', 204, { json: { enabled: false } }),
  'POST /v1/me/totp/setup': mine(() => '/v1/me/totp/setup', 200),
  'POST /v1/me/totp/confirm': mine(() => '/v1/me/totp/confirm', 400, { json: { code: '000000' } }),
  'DELETE /v1/me/totp': mine(() => '/v1/me/totp', 204, { json: { current_password: PASSWORD } }),
  // New codes need a second factor: the member has a passkey, the admin has none.
  'POST /v1/me/recovery-codes': mine(() => '/v1/me/recovery-codes', 200, {
    json: { current_password: PASSWORD },
    expected: { admin: invalid },
  }),
  'POST /v1/me/passkeys/options': mine(() => '/v1/me/passkeys/options', 200),
  'POST /v1/me/passkeys': mine(() => '/v1/me/passkeys', 400, {
    json: { registration_id: 'unknown', response: {}, name: 'Phone' },
  }),
  'GET /v1/me/passkeys': mine(() => '/v1/me/passkeys', 200),
  'PATCH /v1/me/passkeys/:id': mine((ids) => `/v1/me/passkeys/${ids.passkeyId}`, 200, {
    json: { name: 'Tablet' },
    ...withOther,
  }),
  'DELETE /v1/me/passkeys/:id': mine((ids) => `/v1/me/passkeys/${ids.passkeyId}`, 204, withOther),
  'GET /v1/me/sessions': mine(() => '/v1/me/sessions', 200),
  'DELETE /v1/me/sessions/:id': mine((ids) => `/v1/me/sessions/${ids.sessionId}`, 204, withOther),
  'GET /v1/admin/users': admins(() => '/v1/admin/users', 200),
  'POST /v1/admin/users': admins(() => '/v1/admin/users', 201, { username: 'newcomer' }),
  'GET /v1/admin/users/:id': admins(user(), 200),
  'PATCH /v1/admin/users/:id': admins(user(), 200, { display_name: 'Sister' }),
  'DELETE /v1/admin/users/:id': admins(user(), 204),
  'POST /v1/admin/users/:id/reset-code': admins(user('/reset-code'), 200),
  'POST /v1/admin/users/:id/unlock': admins(user('/unlock'), 204),
  'DELETE /v1/admin/users/:id/sessions': admins(user('/sessions'), 204),
  'GET /v1/admin/audit': admins(() => '/v1/admin/audit', 200),
  // Issue 15: email, groups and apps (API §7, §11); unknown names answer 404 to admins only.
  'PATCH /v1/me': mine(() => '/v1/me', 200, { json: { email: null } }),
  'GET /v1/admin/groups': admins(() => '/v1/admin/groups', 200),
  'POST /v1/admin/groups': admins(() => '/v1/admin/groups', 201, { name: 'kids' }),
  'DELETE /v1/admin/groups/:name': admins(() => '/v1/admin/groups/nobody', 404),
  'PUT /v1/admin/users/:id/groups': admins(user('/groups'), 200, { groups: [] }),
  'GET /v1/admin/apps': admins(() => '/v1/admin/apps', 200),
  'POST /v1/admin/apps': admins(() => '/v1/admin/apps', 201, { name: 'docs' }),
  'GET /v1/admin/apps/:name': admins(() => '/v1/admin/apps/nobody', 404),
  'PATCH /v1/admin/apps/:name': admins(() => '/v1/admin/apps/nobody', 404, { allow_pin: true }),
  'DELETE /v1/admin/apps/:name': admins(() => '/v1/admin/apps/nobody', 404),
}

/** The other person's session and passkey rows, straight from the database. */
function othersThings({ t, others }: People) {
  const db = t.services.database.sqlite
  return {
    session: db.prepare('SELECT * FROM sessions WHERE id = ?').get(others.sessionId),
    passkey: db.prepare('SELECT * FROM passkeys WHERE id = ?').get(others.passkeyId),
  }
}

let people: People | undefined
afterEach(() => people?.t.close())

describe('the authorization matrix (every /v1 route × every kind of caller)', () => {
  it('covers exactly the /v1 routes the app has: a new route must be added here', async () => {
    const t = await createTestApp()
    const routes = new Set(
      t.app.routes
        .filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/'))
        .map((r) => `${r.method} ${r.path}`),
    )
    t.close()
    expect([...routes].sort()).toEqual(Object.keys(MATRIX).sort())
  })

  it.each(Object.keys(MATRIX))('%s', async (route) => {
    const entry = MATRIX[route]!
    const method = route.split(' ')[0]!
    people = await household()
    const before = othersThings(people)
    const seen: Record<string, Expected> = {}
    // In ROLES order, so the calls that succeed (and may delete or revoke) come last.
    for (const role of ROLES.filter((r) => entry.expected[r])) {
      const ids = role === 'admin' || role === 'other' ? people.others : people.own
      const token = people.tokens[role]
      const response = await people.t.call(method, entry.path(ids), {
        peer: HOME,
        ...(token ? { token } : {}),
        ...(entry.json === undefined ? {} : { json: entry.json }),
      })
      const { error } = (await response.json().catch(() => ({}))) as { error?: string }
      // The error code is compared where the table names one (every refusal it is about).
      seen[role] = entry.expected[role]![1] ? [response.status, error] : [response.status]
    }
    expect(seen).toEqual(entry.expected)
    // A 404 for someone else's id must also leave their session and passkey as they were.
    if (entry.expected.other?.[0] === 404) {
      expect(before.session && before.passkey).toBeTruthy()
      expect(othersThings(people)).toEqual(before)
    }
  })
})
