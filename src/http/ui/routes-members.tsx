import { Hono } from 'hono'
import { unlockUser } from '../../auth/admin.js'
import { addMember, issueMemberResetCode, updateMember } from '../../auth/household.js'
import { forbidden } from '../../errors.js'
import { requestContext, type AppEnv } from '../env.js'
import { MembersPage } from './pages/members.js'
import {
  attempt,
  formValue,
  isPinOnly,
  pageBase,
  render,
  uiUser,
  type UIContext,
} from './ui-context.js'

function admin(c: UIContext) {
  const signed = uiUser(c)
  if (!signed) return null
  if (signed.user.role !== 'admin' || isPinOnly(signed.session)) throw forbidden()
  return signed.user
}

const membersPage = (
  c: UIContext,
  extra: {
    resetCode?: { username: string; code: string }
    message?: { kind: 'error' | 'info'; text: string }
  } = {},
) => (
  <MembersPage
    {...pageBase(c)}
    members={c
      .get('services')
      .users.list()
      .map((u) => ({
        id: u.id,
        username: u.username,
        display_name: u.displayName,
        role: u.role,
        disabled: u.disabled,
      }))}
    resetCode={extra.resetCode ?? null}
    message={extra.message ?? null}
  />
)

/** The admin's members page, on the same functions as /v1/admin/*. */
export function uiMembersRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.use('/members', async (c, next) => (admin(c) ? next() : c.redirect('/ui/sign-in', 303)))
  routes.use('/members/*', async (c, next) => (admin(c) ? next() : c.redirect('/ui/sign-in', 303)))

  const act = (
    c: UIContext,
    run: (actor: {
      id: string
      context: ReturnType<typeof requestContext>
    }) => Promise<Parameters<typeof membersPage>[1]>,
  ) =>
    attempt(
      c,
      async () =>
        render(c, membersPage(c, await run({ id: admin(c)!.id, context: requestContext(c) }))),
      (message) => membersPage(c, { message }),
    )

  routes.get('/members', (c) => render(c, membersPage(c)))
  routes.post('/members', (c) =>
    act(c, async (actor) => {
      const role = formValue(c, 'role') === 'admin' ? 'admin' : 'member'
      const displayName = formValue(c, 'display_name') || undefined
      const { user, resetCode } = await addMember(
        c.get('services'),
        { username: formValue(c, 'username'), displayName, role },
        actor,
      )
      return { resetCode: { username: user.username, code: resetCode!.code } }
    }),
  )
  routes.post('/members/:id/update', (c) =>
    act(c, async (actor) => {
      const role = formValue(c, 'role')
      const disabled = formValue(c, 'disabled')
      updateMember(
        c.get('services'),
        c.req.param('id'),
        {
          role: role === 'admin' || role === 'member' ? role : undefined,
          disabled: disabled === '' ? undefined : disabled === 'true',
        },
        actor,
      )
      return { message: { kind: 'info', text: 'Saved.' } }
    }),
  )
  routes.post('/members/:id/reset-code', (c) =>
    act(c, async (actor) => {
      const services = c.get('services')
      const { code } = issueMemberResetCode(services, c.req.param('id'), actor)
      return { resetCode: { username: services.users.findById(c.req.param('id'))!.username, code } }
    }),
  )
  routes.post('/members/:id/unlock', (c) =>
    act(c, async (actor) => {
      unlockUser(c.get('services'), c.req.param('id'), actor.id, actor.context)
      return { message: { kind: 'info', text: 'Unlocked.' } }
    }),
  )

  return routes
}
