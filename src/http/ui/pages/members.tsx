import { Csrf, Field, Layout, type PageProps } from './layout.js'

export interface MemberRow {
  id: string
  username: string
  display_name: string
  role: 'admin' | 'member'
  disabled: boolean
  email: string | null
  groups: string[]
}

export interface GroupOption {
  name: string
  description: string | null
}

export function MembersPage(
  props: Omit<PageProps, 'title'> & {
    members: MemberRow[]
    groups: GroupOption[]
    resetCode?: { username: string; code: string } | null
  },
) {
  const { csrf } = props
  return (
    <Layout {...props} title="Members">
      {props.resetCode ? (
        <p class="info" role="status">
          One-time code for <strong>{props.resetCode.username}</strong> (valid 24 h; they set their
          password with it): <code id="reset-code">{props.resetCode.code}</code> — at{' '}
          <a href="/ui/reset">/ui/reset</a>
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Email</th>
            <th scope="col">Groups</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.members.map((m) => (
            <tr>
              <td>{m.display_name}</td>
              <td>{m.username}</td>
              <td>{m.role}</td>
              <td>{m.disabled ? 'disabled' : 'active'}</td>
              <td>{m.email ?? '—'}</td>
              <td>
                <MemberGroups member={m} groups={props.groups} csrf={csrf} />
              </td>
              <td>
                {[
                  [
                    'role',
                    m.role === 'admin' ? 'member' : 'admin',
                    m.role === 'admin' ? 'Make member' : 'Make admin',
                  ],
                  ['disabled', m.disabled ? 'false' : 'true', m.disabled ? 'Enable' : 'Disable'],
                ].map(([field, value, label]) => (
                  <form method="post" action={`/ui/members/${m.id}/update`} class="inline">
                    <Csrf token={csrf} />
                    <input type="hidden" name={field!} value={value} />
                    <button type="submit">{label}</button>
                  </form>
                ))}
                {(['reset-code', 'unlock'] as const).map((action) => (
                  <form method="post" action={`/ui/members/${m.id}/${action}`} class="inline">
                    <Csrf token={csrf} />
                    <button type="submit">
                      {action === 'reset-code' ? 'Reset code' : 'Unlock'}
                    </button>
                  </form>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Add a member</h2>
      <form method="post" action="/ui/members">
        <Csrf token={csrf} />
        <Field label="Username" name="username" />
        <Field label="Display name" name="display_name" required={false} />
        <p>
          <label for="field-role">Role</label>
          <select id="field-role" name="role">
            <option value="member">member</option>
            <option value="admin">admin</option>
          </select>
        </p>
        <button type="submit">Add member</button>
      </form>
      <h2>Add a group</h2>
      <p>
        Groups decide who may use which <a href="/ui/apps">app</a>. A change reaches a person’s apps
        at their next token refresh (minutes).
      </p>
      <form method="post" action="/ui/members/groups">
        <Csrf token={csrf} />
        <Field label="Group name (a-z, 0-9, -)" name="name" form="group" />
        <Field label="Description" name="description" form="group" required={false} />
        <button type="submit">Add group</button>
      </form>
    </Layout>
  )
}

/** One checkbox per group; saving replaces the member's groups with the ticked ones. */
function MemberGroups(props: { member: MemberRow; groups: GroupOption[]; csrf: string }) {
  const { member } = props
  if (props.groups.length === 0) return <span>—</span>
  return (
    <form method="post" action={`/ui/members/${member.id}/groups`} class="inline">
      <Csrf token={props.csrf} />
      {props.groups.map((g) => (
        <label>
          <input
            type="checkbox"
            name="group"
            value={g.name}
            checked={member.groups.includes(g.name)}
            aria-label={`${member.username} in ${g.name}`}
          />{' '}
          {g.name}{' '}
        </label>
      ))}
      <button type="submit">Save groups</button>
    </form>
  )
}
