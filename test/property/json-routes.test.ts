import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { household, type People } from '../helpers/authz-people.js'
import { HOME } from '../helpers/household.js'

// Every /v1 route that reads a JSON body, found from the app's route list (a route is a JSON
// route when a text/plain body gets 415), fed any bytes, any JSON value and objects built from
// the API's own field names. API §3: a refusal is JSON {error, message[, retry_after]}; no
// input makes a 500; a 400/413/415 changes nothing in the database.
const FIELDS = [
  'username',
  'password',
  'code',
  'current_password',
  'new_password',
  'pin',
  'user_id',
  'refresh_token',
  'mfa_token',
  'enabled',
  'name',
  'registration_id',
  'response',
  'role',
  'disabled',
  'display_name',
  'email',
  'id',
  'type',
  'limit',
  'before',
]
const NUM_RUNS = 150

let people: People
const routes: { method: string; path: string }[] = []
beforeAll(async () => {
  // Probed on a household of their own: a probe that is not refused may act (delete a user).
  const probe = await household()
  const candidates = probe.t.app.routes.filter(
    (r) => r.method !== 'ALL' && r.method !== 'GET' && r.path.startsWith('/v1/'),
  )
  for (const route of new Map(candidates.map((r) => [`${r.method} ${r.path}`, r])).values()) {
    const path = fill(route.path, probe)
    const answer = await send(probe, route.method, path, 'x', 'text/plain')
    if (answer.status === 415) routes.push({ method: route.method, path: route.path })
  }
  probe.t.close()
  people = await household()
})
afterAll(() => people?.t.close())

/** `:id` → the other member's id (an admin acting on someone, a member naming their ids). */
function fill(path: string, p: People) {
  const id = path.includes('/passkeys/')
    ? p.others.passkeyId
    : path.includes('/sessions/')
      ? p.others.sessionId
      : p.others.userId
  return path.replace(':id', id)
}

function send(p: People, method: string, path: string, body: string | Uint8Array, type: string) {
  return p.t.app.request(
    path,
    {
      method,
      headers: { 'content-type': type, authorization: `Bearer ${p.tokens.admin}` },
      body,
    },
    { incoming: { socket: { remoteAddress: HOME } } },
  )
}

/** Every row of every table: what a refused request must leave as it found it. */
function snapshot(p: People): string {
  const db = p.t.services.database.sqlite
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
    name: string
  }[]
  return JSON.stringify(tables.map(({ name }) => db.prepare(`SELECT * FROM "${name}"`).all()))
}

async function check(
  route: { method: string; path: string },
  body: string | Uint8Array,
  type = 'application/json',
) {
  const before = snapshot(people)
  const response = await send(people, route.method, fill(route.path, people), body, type)
  const where = `${route.method} ${route.path} ${typeof body === 'string' ? body.slice(0, 80) : '(bytes)'}`
  expect(response.status, where).toBeLessThan(500)
  if (response.status < 400) return response.status
  const answer = (await response.json()) as Record<string, unknown>
  expect(
    Object.keys(answer).filter((k) => !['error', 'message', 'retry_after'].includes(k)),
    where,
  ).toEqual([])
  expect(answer, where).toMatchObject({ error: expect.any(String), message: expect.any(String) })
  if ([400, 413, 415].includes(response.status)) expect(snapshot(people), where).toBe(before)
  return response.status
}

const route = () => fc.constantFrom(...routes)
const isObject = (text: string) => {
  try {
    const value = JSON.parse(text) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value)
  } catch {
    return false
  }
}

describe('every /v1 JSON route (property)', () => {
  it('found the JSON routes from the route list', () => {
    expect(routes.length).toBeGreaterThanOrEqual(20)
    expect(routes).toContainEqual({ method: 'POST', path: '/v1/login/password' })
  })

  it('answers any bytes that are not a JSON object with a JSON 400, changing nothing', async () => {
    const bytes = fc.uint8Array({ maxLength: 300 })
    await fc.assert(
      fc.asyncProperty(route(), bytes, async (r, body) => {
        fc.pre(!isObject(Buffer.from(body).toString('latin1')))
        expect(await check(r, body)).toBe(400)
      }),
      { numRuns: NUM_RUNS },
    )
  })

  it('answers any JSON value that is not an object with a JSON 400, changing nothing', async () => {
    const value = fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
    await fc.assert(
      fc.asyncProperty(route(), value, async (r, v) => {
        expect(await check(r, JSON.stringify(v))).toBe(400)
      }),
      { numRuns: NUM_RUNS },
    )
  })

  it('never answers 500 to objects of the API’s own field names with any values', async () => {
    const body = fc.dictionary(
      fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 5 },
    )
    await fc.assert(
      fc.asyncProperty(route(), body, async (r, b) => {
        await check(r, JSON.stringify(b))
      }),
      { numRuns: NUM_RUNS * 2 },
    )
  })

  it('answers 415 to any other content type, changing nothing', async () => {
    const type = fc.oneof(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'application/jsonx',
        'json',
        '',
      ),
      fc.stringMatching(/^[a-z]{1,10}\/[a-z+.-]{1,12}$/).filter((t) => t !== 'application/json'),
    )
    await fc.assert(
      fc.asyncProperty(route(), type, async (r, t) => {
        expect(await check(r, '{"username":"owner"}', t)).toBe(415)
      }),
      { numRuns: NUM_RUNS / 3 },
    )
  })
})
