import { expect } from 'vitest'
import type { TokenResponse } from '../../src/http/views.js'
import type { Role } from '../../src/auth/users.js'
import type { TestApp } from './app.js'

export const PASSWORD = 'correct horse battery staple'

export async function addUser(
  t: TestApp,
  username: string,
  options: { role?: Role; password?: string; displayName?: string } = {},
) {
  return t.services.users.create({
    username,
    password: options.password ?? PASSWORD,
    role: options.role ?? 'member',
    displayName: options.displayName ?? username[0]!.toUpperCase() + username.slice(1),
  })
}

export async function login(
  t: TestApp,
  username: string,
  password = PASSWORD,
  peer?: string,
): Promise<TokenResponse> {
  const response = await t.call('POST', '/v1/login/password', {
    json: { username, password },
    ...(peer ? { peer } : {}),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as TokenResponse
}

export async function errorOf(response: Response): Promise<{ status: number; error: string }> {
  const body = (await response.json()) as { error: string }
  return { status: response.status, error: body.error }
}

/** Counts argon2 computations (every one goes through the hash queue) from now on. */
export function countHashes(t: TestApp): () => number {
  let count = 0
  const original = t.services.hashQueue.run
  t.services.hashQueue.run = (task) => {
    count++
    return original(task)
  }
  return () => count
}

/** Rows of a table, read straight from the database file's connection. */
export const rowCount = (t: TestApp, table: string): number =>
  (t.services.database.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number })
    .n
