import { Hono } from 'hono'
import { unlockUser } from '../../auth/admin.js'
import { addGroup, setMemberGroups, type GroupAdminDeps } from '../../auth/group-admin.js'
import { addMember, issueMemberResetCode, requireUser, updateMember } from '../../auth/household.js'
import type { DepsOf } from '../deps-of.js'
import type { AppEnv } from '../env.js'
import { adminAct, adminOnly, type UIActor } from './admin-area.js'
import { MembersPage } from './pages/members.js'
import { uiAppsRoutes, type UIAppsDeps } from './routes-apps.js'
import {
  formValue,
  pageBase,
  render,
  type UIContext,
  type UIMessage,
  type UIShell,
} from './ui-context.js'

export type UIMembersDeps = DepsOf<typeof addMember> &
  DepsOf<typeof unlockUser> &
  GroupAdminDeps &
  UIAppsDeps

type MembersExtra = { resetCode?: { username: string; code: string }; message?: UIMessage }

/** The admin's members page (and the apps page), on the same use cases as /v1/admin/*. */
export function uiMembersRoutes(deps: UIMembersDeps & UIShell): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.use('/members', adminOnly)
  routes.use('/members/*', adminOnly)

  const membersPage = (c: UIContext, extra: MembersExtra = {}) => {
    const members = deps.users.list().map((u) => ({
      id: u.id,
      username: u.username,
      display_name: u.displayName,
      role: u.role,
      disabled: u.disabled,
      email: u.email,
      groups: deps.groups.namesOf(u.id),
    }))
    return (
      <MembersPage
        {...pageBase(deps, c)}
        members={members}
        groups={deps.groups.list().map((g) => ({ name: g.name, description: g.description }))}
        resetCode={extra.resetCode ?? null}
        message={extra.message ?? null}
      />
    )
  }

  /** An admin act, then the page again; without a recent sign-in, sign in and come back. */
  const act = (c: UIContext, run: (actor: UIActor) => Promise<MembersExtra>) =>
    adminAct(c, '/ui/members', (extra: MembersExtra) => membersPage(c, extra), run)
  const saved = { message: { kind: 'info', text: 'Saved.' } } as const

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
  routes.post('/members/groups', (c) =>
    act(c, async (actor) => {
      const input = { name: formValue(c, 'name'), description: formValue(c, 'description') }
      addGroup(deps, input, actor)
      return { message: { kind: 'info', text: `Group ${input.name} added.` } }
    }),
  )
  routes.post('/members/:id/groups', (c) =>
    act(c, async (actor) => {
      // One checkbox per group: the ticked ones are the person's groups from now on.
      const names = c.get('form')?.getAll('group') ?? []
      setMemberGroups(deps, c.req.param('id'), names, actor)
      return saved
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
      return saved
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

  routes.route('/', uiAppsRoutes(deps))
  return routes
}
