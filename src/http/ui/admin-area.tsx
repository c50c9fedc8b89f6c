import type { JSX } from 'hono/jsx/jsx-runtime'
import type { Actor } from '../../auth/household.js'
import { forbidden, stepUpRequired } from '../../errors.js'
import { requestContext } from '../env.js'
import {
  attempt,
  isPinOnlySession,
  reauthRedirect,
  render,
  signedInOf,
  uiProof,
  type UIContext,
  type UIMessage,
} from './ui-context.js'

/**
 * The same rules, in the same order, as the API's guards: a strong session (a PIN alone
 * answers step_up_required), then an enabled admin.
 */
function adminOf(c: UIContext) {
  const signed = signedInOf(c)
  if (!signed) return null
  if (isPinOnlySession(signed)) throw stepUpRequired()
  if (signed.user.role !== 'admin') throw forbidden()
  return signed
}

/** Middleware of the admin pages: signed out → the sign-in page; not an admin → 403. */
export const adminOnly = async (c: UIContext, next: () => Promise<void>) =>
  adminOf(c) ? next() : c.redirect('/ui/sign-in', 303)

export type UIActor = Actor & { id: string }

/**
 * An admin act from a form, then `page` again with what it returns; an AuthError shows the
 * page with its message, and a missing recent sign-in sends the admin to sign in again and
 * back to `path` (API §7).
 */
export function adminAct<Extra extends { message?: UIMessage }>(
  c: UIContext,
  path: string,
  page: (extra: Extra) => JSX.Element,
  run: (actor: UIActor) => Promise<Extra>,
): Promise<Response> {
  return attempt(
    c,
    async () => {
      const signed = adminOf(c)!
      const actor = {
        id: signed.user.id,
        user: signed.user,
        context: requestContext(c),
        proof: uiProof(c, signed),
      }
      return render(c, page(await run(actor)))
    },
    (message) => page({ message } as Extra),
    reauthRedirect(path),
  )
}
