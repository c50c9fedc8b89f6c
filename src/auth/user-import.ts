import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import type { Audit } from './audit.js'
import { normalizeUsername } from './credentials-policy.js'
import { importedHashProblem } from './imported-hash.js'
import { newUserRow, type Role, type UserRow, type Users } from './users.js'

const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/

export type ImportResult = { ok: true; users: UserRow[] } | { ok: false; errors: string[] }

/**
 * Moves users over from the old Hail Mary (API §8): the whole file is checked first and
 * written in one transaction, or not at all. Ids are kept (they are the `sub` other data
 * refers to); bcrypt and argon2id hashes are kept and upgraded at the next sign-in.
 */
export function importUsers(
  deps: { db: DB; clock: Clock; users: Users; audit: Audit },
  input: unknown,
): ImportResult {
  if (!Array.isArray(input))
    return { ok: false, errors: ['the file must hold a JSON array of users'] }
  const errors: string[] = []
  const rows: UserRow[] = []
  const seenIds = new Set<string>()
  const seenNames = new Set<string>()
  const now = unixSeconds(deps.clock)
  input.forEach((raw: unknown, index) => {
    const where = `row ${index + 1}`
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push(`${where}: must be an object`)
      return
    }
    const item = raw as Record<string, unknown>
    const problems: string[] = []
    const text = (key: string) =>
      typeof item[key] === 'string' ? (item[key] as string) : undefined
    for (const key of ['id', 'username', 'email', 'display_name', 'role', 'password_hash']) {
      if (item[key] !== undefined && item[key] !== null && typeof item[key] !== 'string')
        problems.push(`${key}: must be a string`)
    }
    // Hail Mary had e-mail addresses; the local part becomes the username when none is given.
    const submitted = text('username') ?? text('email')?.split('@')[0]
    const username = submitted === undefined ? null : normalizeUsername(submitted)
    if (!username)
      problems.push(
        'username: must be 3–32 of a-z, 0-9, ".", "_", "-" (or an email whose local part is)',
      )
    const id = text('id') ?? crypto.randomUUID()
    if (!SAFE_ID.test(id)) problems.push('id: must be 1–64 of A-Z a-z 0-9 . _ : -')
    const roleText = text('role') ?? 'member'
    const role: Role | null =
      roleText === 'admin'
        ? 'admin'
        : roleText === 'member' || roleText === 'user'
          ? 'member'
          : null
    if (!role) problems.push('role: must be admin or member')
    const hash = text('password_hash')
    const hashProblem = hash === undefined ? null : importedHashProblem(hash)
    if (hashProblem) problems.push(`password_hash: ${hashProblem}`)
    if (username && (seenNames.has(username) || deps.users.findByUsername(username)))
      problems.push(`username: "${username}" already exists`)
    if (seenIds.has(id) || deps.users.findById(id)) problems.push(`id: "${id}" already exists`)
    const label = username ? `${where} (${username})` : where
    if (problems.length > 0 || !username || !role) {
      errors.push(`${label}: ${problems.join('; ')}`)
      return
    }
    seenIds.add(id)
    seenNames.add(username)
    rows.push(
      newUserRow({
        id,
        username,
        displayName: text('display_name'),
        role,
        passwordHash: hash ?? null,
        now,
      }),
    )
  })
  if (errors.length > 0) return { ok: false, errors }
  deps.db.transaction(() => {
    for (const row of rows) {
      deps.users.insertChecked(row)
      deps.audit.record({
        type: 'user.created',
        userId: row.id,
        detail: { source: 'import', role: row.role },
      })
    }
  })
  return { ok: true, users: rows }
}
