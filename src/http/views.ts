import type { PasskeyRow } from '../auth/passkeys.js'
import type { UserMethods } from '../auth/household.js'
import type { UserRow } from '../auth/users.js'

/**
 * The JSON shapes of API.md, made from domain values. The domain never speaks the wire
 * format; these functions are the only place that does.
 */
export const isoTime = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString()

export interface PublicUser {
  id: string
  username: string
  display_name: string
  role: UserRow['role']
}

export const publicUser = (user: UserRow): PublicUser => ({
  id: user.id,
  username: user.username,
  display_name: user.displayName,
  role: user.role,
})

export const methodsView = (methods: UserMethods) => ({
  password: methods.password,
  totp: methods.totp,
  passkeys: methods.passkeys,
  pin: methods.pin,
  quick_login: methods.quickLogin,
  mfa: methods.mfa,
})
export type MethodsView = ReturnType<typeof methodsView>

export const adminUserView = (user: UserRow, methods: UserMethods) => ({
  ...publicUser(user),
  disabled: user.disabled,
  created_at: isoTime(user.createdAt),
  methods: methodsView(methods),
})

export const passkeyView = (row: PasskeyRow) => ({
  id: row.id,
  name: row.name,
  created_at: isoTime(row.createdAt),
  last_used_at: row.lastUsedAt === null ? null : isoTime(row.lastUsedAt),
})
export type PasskeyView = ReturnType<typeof passkeyView>
