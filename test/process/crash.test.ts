import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { PASSWORD } from '../helpers/fixtures.js'
import { send, signIn, startServer, stopServer, type Tokens } from '../helpers/live-server.js'
import { freePort, runCLI, type RunningProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

// Issue 14: SIGKILL while sign-ins, refreshes and password changes run, then a restart on the
// same directory. Whatever was answered must hold (synchronous=FULL, one transaction per
// change); what was in flight is either wholly there or wholly absent; the file is intact and
// the same signing key still verifies tokens issued before the crash.
const NEW_PASSWORD = 'a brand new passphrase for the kid'
const running: RunningProcess[] = []
afterEach(async () => {
  for (const server of running.splice(0)) await stopServer(server, 'SIGKILL')
})

const refresh = (base: string, token: string) =>
  send(base, 'POST', '/v1/token/refresh', { refresh_token: token })

interface Answered<T> {
  /** Undefined while in flight, or when the crash cut the request off. */
  value?: T
}

/** Sends a request and records its answer if one comes; a request cut off by the kill is fine. */
function track<T>(request: Promise<T>, onAnswer: () => void): Answered<T> {
  const slot: Answered<T> = {}
  void request.then(
    (value) => {
      slot.value = value
      onAnswer()
    },
    () => undefined,
  )
  return slot
}

describe('SIGKILL during sign-ins, refreshes and password changes, then a restart', () => {
  it('keeps every answered change, loses nothing half-way and keeps the signing key', async () => {
    const cwd = tempDir()
    const port = await freePort()
    const issuer = `http://127.0.0.1:${port}`
    const env = {
      AUTH_SECRET: strongSecret(),
      AUTH_ISSUER: issuer,
    }
    for (const args of [['owner', '--role', 'admin'], ['kid'], ['teen']]) {
      const added = await runCLI(['user', 'add', ...args, '--password-stdin'], env, cwd, PASSWORD)
      expect(added.code).toBe(0)
    }
    const first = await startServer(env, cwd, port)
    running.push(first)
    const base = first.url
    const sessions: Tokens[] = []
    for (let i = 0; i < 12; i++) sessions.push(await signIn(base, 'owner', PASSWORD))
    const kid = await signIn(base, 'kid', PASSWORD)
    const teen = await signIn(base, 'teen', PASSWORD)
    const jwksBefore = (await send(base, 'GET', '/.well-known/jwks.json'))
      .body as unknown as JSONWebKeySet

    // An answered password change, then a burst; the kill lands after the fourth answer of the
    // burst, while sign-ins (argon2) and the other password change are still running.
    const changed = await send(
      base,
      'PUT',
      '/v1/me/password',
      { current_password: PASSWORD, new_password: NEW_PASSWORD },
      kid.access_token,
    )
    expect(changed.status).toBe(204)
    let answers = 0
    const onAnswer = () => {
      if (++answers === 4) first.child.kill('SIGKILL')
    }
    const teenChange = track(
      send(
        base,
        'PUT',
        '/v1/me/password',
        { current_password: PASSWORD, new_password: NEW_PASSWORD },
        teen.access_token,
      ),
      () => undefined,
    )
    const signIns = Array.from({ length: 6 }, () =>
      track(
        send(base, 'POST', '/v1/login/password', { username: 'owner', password: PASSWORD }),
        onAnswer,
      ),
    )
    const refreshes = sessions.map((session) =>
      track(refresh(base, session.refresh_token), onAnswer),
    )
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' })
    const answeredRefreshes = refreshes.filter((r) => r.value?.status === 200).length
    expect(answeredRefreshes).toBeGreaterThan(0)
    expect(refreshes.length + signIns.length - answers).toBeGreaterThan(0) // some were cut off

    const sqlite = new BetterSqlite3(join(cwd, 'data', 'auth.db'))
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
    sqlite.close()

    const second = await startServer(env, cwd, port)
    running.push(second)

    // The same key: the JWKS still has the kid, and an access token from before verifies.
    const jwks = (await send(base, 'GET', '/.well-known/jwks.json'))
      .body as unknown as JSONWebKeySet
    expect(jwks.keys.map((k) => k.kid)).toEqual(
      expect.arrayContaining(jwksBefore.keys.map((k) => k.kid)),
    )
    const verified = await jwtVerify(sessions[0]!.access_token, createLocalJWKSet(jwks), {
      issuer,
      audience: 'hail-mary-api',
      typ: 'at+jwt',
    })
    expect(verified.payload.sid).toBe(sessions[0]!.session_id)

    // Answered refreshes: the new token works, the old one is refused.
    for (const [i, answered] of refreshes.entries()) {
      if (answered.value?.status !== 200) continue
      const next = answered.value.body as unknown as Tokens
      expect((await refresh(base, next.refresh_token)).status).toBe(200)
      expect(await refresh(base, sessions[i]!.refresh_token)).toMatchObject({
        status: 401,
        body: { error: 'invalid_grant' },
      })
    }
    // Answered sign-ins: their sessions exist.
    for (const signInAnswer of signIns) {
      if (signInAnswer.value?.status !== 200) continue
      const tokens = signInAnswer.value.body as unknown as Tokens
      expect((await refresh(base, tokens.refresh_token)).status).toBe(200)
    }
    // The answered password change held.
    const kidOld = await send(base, 'POST', '/v1/login/password', {
      username: 'kid',
      password: PASSWORD,
    })
    expect(kidOld).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } })
    await signIn(base, 'kid', NEW_PASSWORD)
    // The other one is all or nothing: exactly one of the two passwords works.
    const teenOld = await send(base, 'POST', '/v1/login/password', {
      username: 'teen',
      password: PASSWORD,
    })
    const teenNew = await send(base, 'POST', '/v1/login/password', {
      username: 'teen',
      password: NEW_PASSWORD,
    })
    expect([teenOld.status, teenNew.status].sort()).toEqual([200, 401])
    if (teenChange.value?.status === 204) expect(teenNew.status).toBe(200)

    expect(await stopServer(second)).toEqual({ code: 0, signal: null })
  })
})
