import { z } from 'zod'

/**
 * The request bodies of API.md, one place for the JSON API and the web UI, so a field's
 * rules cannot drift between the two doors.
 */
const credential = (max: number) => z.string().min(1).max(max)
// Longer than any valid password, so a 400 never tells "too long" from "wrong".
const password = credential(1024)
const token = credential(128)
const role = z.enum(['admin', 'member'])
const passkeyName = z.string().trim().min(1).max(64)

export const passwordLoginBody = z.object({ username: credential(256), password })
export const setupBody = z.object({ code: token, username: credential(256), password })
export const refreshBody = z.object({ refresh_token: credential(512) })
export const resetBody = z.object({ code: token, new_password: password })

export const mfaCodeBody = z.object({ mfa_token: token, code: credential(64) })
/** The shape of a WebAuthn JSON response; @simplewebauthn/server checks everything inside. */
export const webauthnResponse = z
  .object({
    id: z.string().min(1).max(1024),
    rawId: z.string().min(1).max(1024),
    type: z.literal('public-key'),
    response: z.record(z.string(), z.unknown()),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  })
  .passthrough()
export const passkeyLoginOptionsBody = z.object({
  username: credential(256).optional(),
  mfa_token: token.optional(),
})
export const passkeyLoginVerifyBody = z.object({
  login_id: token,
  response: webauthnResponse,
  return_to: z.string().max(2048).optional(),
})
export const quickLoginBody = z.object({ user_id: credential(64), pin: credential(64) })

export const currentPasswordBody = z.object({ current_password: password })
/**
 * Every route that changes how one signs in (or hands out admin power) takes an optional
 * `current_password`: the way to pass the recent-sign-in rule of API §7 without signing in
 * again.
 */
const reauth = { current_password: password.optional() }
export const reauthBody = z.object(reauth)
export const pinBody = z.object({ pin: credential(64), current_password: password })
export const quickLoginOptInBody = z.object({ enabled: z.boolean(), ...reauth })
export const passwordChangeBody = z.object({ current_password: password, new_password: password })
export const totpConfirmBody = z.object({ code: credential(16), ...reauth })
export const passkeyRegisterBody = z.object({
  registration_id: token,
  response: webauthnResponse,
  name: passkeyName.default('Passkey'),
})
export const passkeyRenameBody = z.object({ name: passkeyName, ...reauth })

export const memberCreateBody = z.object({
  username: credential(256),
  display_name: z.string().max(64).optional(),
  role: role.optional(),
  password: password.optional(),
  ...reauth,
})
export const memberUpdateBody = z
  .object({
    role: role.optional(),
    disabled: z.boolean().optional(),
    display_name: z.string().max(64).optional(),
    ...reauth,
  })
  .strict()
export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).optional(),
})
