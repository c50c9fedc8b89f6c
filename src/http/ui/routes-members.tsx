import { Hono } from 'hono'
import { unlockUser } from '../../auth/admin.js'
import {
  addMember,
  issueMemberResetCode,
  requireUser,
  updateMember,
  type Actor,
} from '../../auth/household.js'
import { forbidden } from '../../errors.js'
import type { DepsOf } from '../deps-of.js'
import { requestContext, type AppEnv } from '../env.js'
import { MembersPage } from './pages/members.js'
import {
  attempt,
  formValue,
  isPinOnlySession,
  pageBase,
  reauthRedirect,
  render,
  signedInOf,
  uiProof,
  type UIContext,
  type UIMessage,
  type UIShell,
} from './ui-context.js'

export type UIMembersDeps = DepsOf<typeof addMember> & DepsOf<typeof unlockUser>

type MembersExtra = { resetCode?: { username: string; code: string }; message?: UIMessage }

/** The admin's members page, on the same use cases as /v1/admin/*. */
export function uiMembersRoutes(deps: UIMembersDeps & UIShell): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()

  /** The same rule as the API's admin guard: an enabled admin with a strong session. */
  function admin(c: UIContext) {
    const signed = signedInOf(c)
    if (!signed) return null
    if (signed.user.role !== 'admin' || isPinOnlySession(signed)) throw forbidden()
    return signed.user
  }
  const adminOnly = async (c: UIContext, next: () => Promise<void>) =>
    admin(c) ? next() : c.redirect('/ui/sign-in', 303)
  routes.use('/members', adminOnly)
  routes.use('/members/*', adminOnly)

  const membersPage = (c: UIContext, extra: MembersExtra = {}) => {
    const members = deps.users.list().map((u) => ({
      id: u.id,
      username: u.username,
      display_name: u.displayName,
      role: u.role,
      disabled: u.disabled,
    }))
    return (
      <MembersPage
        {...pageBase(deps, c)}
        members={members}
        resetCode={extra.resetCode ?? null}
        message={extra.message ?? null}
      />
    )
  }

  /** An admin act, then the page again; without a recent sign-in, sign in and come back. */
  const act = (c: UIContext, run: (actor: Actor & { id: string }) => Promise<MembersExtra>) =>
    attempt(
      c,
      async () => {
        const signed = signedInOf(c)!
        const actor = {
          id: admin(c)!.id,
          user: signed.user,
          context: requestContext(c),
          proof: uiProof(c, signed),
        }
        return render(c, membersPage(c, await run(actor)))
      },
      (message) => membersPage(c, { message }),
      reauthRedirect('/ui/members'),
    )

  routes.get('/members', (c) => render(c, membersPage(c)))
  routes.post('/members', (c) =>
    act(c, async (actor) => {
      const role = formValue(c, 'role') === 'admin' ? 'admin' : 'member'
      const displayName = formValue(c, 'display_name') || undefined
      const input = { username: formValue(c, 'username'), displayName, role } as const
      const { user, resetCode } = await addMember(deps, input, actor)
      return { resetCode: { username: user.username, code: resetCode!.code } }
    }),
  )
  routes.post('/members/:id/update', (c) =>
    act(c, async (actor) => {
      const role = formValue(c, 'role')
      const disabled = formValue(c, 'disabled')
      const changes = {
        role: role === 'admin' || role === 'member' ? (role as 'admin' | 'member') : undefined,
        disabled: disabled === '' ? undefined : disabled === 'true',
      }
      await updateMember(deps, c.req.param('id'), changes, actor)
      return { message: { kind: 'info', text: 'Saved.' } }
    }),
  )
  routes.post('/members/:id/reset-code', (c) =>
    act(c, async (actor) => {
      const { code } = await issueMemberResetCode(deps, c.req.param('id'), actor)
      return { resetCode: { username: requireUser(deps, c.req.param('id')).username, code } }
    }),
  )
  routes.post('/members/:id/unlock', (c) =>
    act(c, async (actor) => {
      unlockUser(deps, c.req.param('id'), actor.id, actor.context!)
      return { message: { kind: 'info', text: 'Unlocked.' } }
    }),
  )

  return routes
}
