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
/** An email address (API §7), lower-cased; null (or "") removes it. */
const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.union([z.literal(''), z.email()]))
  .transform((value) => (value === '' ? null : value))
  .nullable()
export const emailBody = z.object({ email }).strict()
export const memberUpdateBody = z
  .object({
    role: role.optional(),
    disabled: z.boolean().optional(),
    display_name: z.string().max(64).optional(),
    email: email.optional(),
    ...reauth,
  })
  .strict()
export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).optional(),
})

/** Group names (API §11); a name that could never exist is refused like an unknown one. */
const groupName = z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be 1–32 of a-z, 0-9, "-"')
export const groupCreateBody = z
  .object({ name: groupName, description: z.string().max(200).optional() })
  .strict()
export const memberGroupsBody = z.object({ groups: z.array(groupName).max(100) }).strict()

const uris = z.array(z.string().max(2000)).max(20)
const appSettings = {
  redirect_uris: uris.optional(),
  post_logout_redirect_uris: uris.optional(),
  public: z.boolean().optional(),
  pkce: z.boolean().optional(),
  id_token_alg: z.enum(['RS256', 'ES256']).optional(),
  domains: z.array(z.string().max(253)).max(20).optional(),
  groups: z.array(groupName).max(20).optional(),
  allow_pin: z.boolean().optional(),
  require_mfa: z.boolean().optional(),
  ...reauth,
}
/** `POST /v1/admin/apps` (API §11); the finer checks are the domain's (app-input.ts). */
export const appCreateBody = z.object({ name: z.string().min(1).max(64), ...appSettings }).strict()
export const appUpdateBody = z.object(appSettings).strict()

/** An app body's settings in the domain's words; fields left out stay undefined. */
export const appSettingsOf = (body: z.infer<typeof appUpdateBody>) => ({
  redirectUris: body.redirect_uris,
  postLogoutRedirectUris: body.post_logout_redirect_uris,
  public: body.public,
  pkce: body.pkce,
  idTokenAlg: body.id_token_alg,
  domains: body.domains,
  groups: body.groups,
  allowPin: body.allow_pin,
  requireMfa: body.require_mfa,
})
