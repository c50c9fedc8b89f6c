import { Csrf, Field, Layout, type PageProps } from './layout.js'

export interface MemberRow {
  id: string
  username: string
  display_name: string
  role: 'admin' | 'member'
  disabled: boolean
}

export function MembersPage(
  props: Omit<PageProps, 'title'> & {
    members: MemberRow[]
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
        <button type="submit">Add</button>
      </form>
    </Layout>
  )
}
