import { decodeJwt } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TokenResponse } from '../../src/http/views.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login } from '../helpers/fixtures.js'
import { addQuickLoginUser, quickLoginTokens } from '../helpers/household.js'

let t: TestApp
let admin: string
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24' } })
  await addUser(t, 'alice', { role: 'admin' })
  admin = (await login(t, 'alice')).access_token
})
afterEach(() => t.close())

const addGroup = (json: unknown, token = admin) =>
  t.call('POST', '/v1/admin/groups', { token, json })
const setGroups = (id: string, groups: unknown, token = admin) =>
  t.call('PUT', `/v1/admin/users/${id}/groups`, { token, json: { groups } })

describe('GET/POST /v1/admin/groups', () => {
  it('creates groups and lists them by name', async () => {
    const created = await addGroup({ name: 'parents', description: 'The grown-ups' })
    expect(created.status).toBe(201)
    expect(((await created.json()) as { group: unknown }).group).toEqual({
      name: 'parents',
      description: 'The grown-ups',
      created_at: '2026-11-30T12:00:00.000Z',
    })
    expect((await addGroup({ name: 'kids' })).status).toBe(201)
    const list = await t.call('GET', '/v1/admin/groups', { token: admin })
    const { groups } = (await list.json()) as { groups: { name: string }[] }
    expect(groups.map((g) => g.name)).toEqual(['kids', 'parents'])
  })

  it('refuses bad names with 400 and a second group of the same name with 409', async () => {
    for (const name of ['', 'Parents', 'a b', 'x'.repeat(33), 'ünïcode', 7]) {
      expect(await errorOf(await addGroup({ name }))).toEqual({
        status: 400,
        error: 'invalid_request',
      })
    }
    expect(await errorOf(await addGroup({ name: 'k', extra: 1 }))).toMatchObject({ status: 400 })
    expect((await addGroup({ name: 'kids' })).status).toBe(201)
    expect(await errorOf(await addGroup({ name: 'kids' }))).toEqual({
      status: 409,
      error: 'conflict',
    })
  })
})

describe('DELETE /v1/admin/groups/:name', () => {
  it('removes a group and its memberships', async () => {
    const bob = await addUser(t, 'bob')
    await addGroup({ name: 'kids' })
    expect((await setGroups(bob.id, ['kids'])).status).toBe(200)
    expect((await t.call('DELETE', '/v1/admin/groups/kids', { token: admin })).status).toBe(204)
    expect(t.services.groups.namesOf(bob.id)).toEqual([])
    const again = await t.call('DELETE', '/v1/admin/groups/kids', { token: admin })
    expect(await errorOf(again)).toEqual({ status: 404, error: 'not_found' })
  })

  it('answers 409 while an app names the group (removing it would open the app)', async () => {
    await addGroup({ name: 'parents' })
    await t.services.apps.add('paperless', { domains: ['docs.home.arpa'], groups: ['parents'] })
    const refused = await t.call('DELETE', '/v1/admin/groups/parents', { token: admin })
    expect(await errorOf(refused)).toEqual({ status: 409, error: 'conflict' })
    expect(t.services.groups.exists('parents')).toBe(true)
  })
})

describe('PUT /v1/admin/users/:id/groups', () => {
  it('sets, replaces and clears a person’s groups, shown in the admin views', async () => {
    const bob = await addUser(t, 'bob')
    await addGroup({ name: 'kids' })
    await addGroup({ name: 'gamers' })
    const set = await setGroups(bob.id, ['kids', 'gamers', 'kids'])
    expect(set.status).toBe(200)
    const { user } = (await set.json()) as { user: { groups: string[]; email: null } }
    expect(user).toMatchObject({ groups: ['gamers', 'kids'], email: null })
    expect((await setGroups(bob.id, ['kids'])).status).toBe(200)
    const one = await t.call('GET', `/v1/admin/users/${bob.id}`, { token: admin })
    expect(((await one.json()) as { user: { groups: string[] } }).user.groups).toEqual(['kids'])
    await setGroups(bob.id, [])
    const all = await t.call('GET', '/v1/admin/users', { token: admin })
    const { users } = (await all.json()) as { users: { username: string; groups: string[] }[] }
    expect(users.find((u) => u.username === 'bob')!.groups).toEqual([])
  })

  it('answers 400 for an unknown group and changes nothing', async () => {
    const bob = await addUser(t, 'bob')
    await addGroup({ name: 'kids' })
    await setGroups(bob.id, ['kids'])
    expect(await errorOf(await setGroups(bob.id, ['kids', 'nobody']))).toEqual({
      status: 400,
      error: 'invalid_request',
    })
    expect(await errorOf(await setGroups(bob.id, 'kids'))).toMatchObject({ status: 400 })
    expect(t.services.groups.namesOf(bob.id)).toEqual(['kids'])
  })

  it('drops a removed person’s memberships with them', async () => {
    const bob = await addUser(t, 'bob')
    await addGroup({ name: 'kids' })
    await setGroups(bob.id, ['kids'])
    expect((await t.call('DELETE', `/v1/admin/users/${bob.id}`, { token: admin })).status).toBe(204)
    expect((await t.call('DELETE', '/v1/admin/groups/kids', { token: admin })).status).toBe(204)
  })

  it('answers 404 for an unknown user', async () => {
    expect(await errorOf(await setGroups('nobody', []))).toEqual({
      status: 404,
      error: 'not_found',
    })
  })
})

describe('groups in tokens and /v1/me', () => {
  it('carries the sorted group names; a change reaches the next refresh', async () => {
    const bob = await addUser(t, 'bob')
    await addGroup({ name: 'kids' })
    await addGroup({ name: 'a-team' })
    await setGroups(bob.id, ['kids'])
    const tokens = await login(t, 'bob')
    expect(decodeJwt(tokens.access_token).groups).toEqual(['kids'])
    const me = await t.call('GET', '/v1/me', { token: tokens.access_token })
    expect(await me.json()).toMatchObject({ username: 'bob', email: null, groups: ['kids'] })

    await setGroups(bob.id, ['kids', 'a-team'])
    const refreshed = await t.call('POST', '/v1/token/refresh', {
      json: { refresh_token: tokens.refresh_token },
    })
    const next = (await refreshed.json()) as TokenResponse
    expect(decodeJwt(next.access_token).groups).toEqual(['a-team', 'kids'])
  })
})

describe('who may manage groups', () => {
  it('refuses members (403 forbidden), PIN-only sessions (403) and no token (401)', async () => {
    await addUser(t, 'bob')
    const member = (await login(t, 'bob')).access_token
    const carol = await addQuickLoginUser(t, 'carol')
    t.services.users.update(carol.id, { role: 'admin' })
    const pinOnly = (await quickLoginTokens(t, carol.id)).access_token
    const requests = [
      ['GET', '/v1/admin/groups', undefined],
      ['POST', '/v1/admin/groups', { name: 'kids' }],
      ['DELETE', '/v1/admin/groups/kids', undefined],
      ['PUT', `/v1/admin/users/${carol.id}/groups`, { groups: [] }],
    ] as const
    for (const [method, path, json] of requests) {
      const asMember = await t.call(method, path, { token: member, json })
      expect(await errorOf(asMember)).toEqual({ status: 403, error: 'forbidden' })
      const asPin = await t.call(method, path, { token: pinOnly, json })
      expect(await errorOf(asPin)).toEqual({ status: 403, error: 'step_up_required' })
      const anonymous = await t.call(method, path, { json })
      expect(await errorOf(anonymous)).toEqual({ status: 401, error: 'unauthorized' })
    }
  })
})
