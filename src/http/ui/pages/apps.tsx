import type { AppView } from '../../views.js'
import { Csrf, Field, Layout, type PageProps } from './layout.js'

const kindOf = (app: AppView) =>
  app.client_id === null
    ? 'forward auth only'
    : app.public
      ? 'public client'
      : 'confidential client'

/** The apps that sign people in through this service, and a form to add one (API §11). */
export function AppsPage(
  props: Omit<PageProps, 'title'> & {
    apps: AppView[]
    groups: string[]
    created?: { name: string; clientSecret?: string } | null
  },
) {
  const { csrf, created } = props
  return (
    <Layout {...props} title="Apps">
      {created ? (
        <p class="info" role="status">
          App <strong>{created.name}</strong> added.
          {created.clientSecret ? (
            <>
              {' '}
              Its client secret, shown this once (copy it into the app now):{' '}
              <code id="client-secret">{created.clientSecret}</code>
            </>
          ) : null}
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Redirect URIs / domains</th>
            <th scope="col">Who</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.apps.map((app) => (
            <tr>
              <td>
                {app.name}
                {app.client_id ? <small> (client id {app.client_id})</small> : null}
              </td>
              <td>{kindOf(app)}</td>
              <td>{[...app.redirect_uris, ...app.domains].join(' ') || '—'}</td>
              <td>
                {app.groups.length > 0 ? app.groups.join(', ') : 'every member'}
                {app.allow_pin ? '; PIN accepted' : ''}
                {app.require_mfa ? '; second factor required' : ''}
              </td>
              <td>
                <form method="post" action={`/ui/apps/${app.name}/remove`} class="inline">
                  <Csrf token={csrf} />
                  <button type="submit" aria-label={`Remove ${app.name}`}>
                    Remove
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Add an app</h2>
      <form method="post" action="/ui/apps">
        <Csrf token={csrf} />
        <Field label="Name (a-z, 0-9, - and _)" name="name" form="app" />
        <TextList
          label="Redirect URIs (one per line; makes it an OpenID Connect client)"
          name="redirect_uris"
        />
        <TextList label="Post-logout redirect URIs" name="post_logout_redirect_uris" />
        <TextList label="Domains protected by forward auth (one per line)" name="domains" />
        <Check label="Public client (no secret, e.g. a phone app)" name="public" />
        <Check label="Require PKCE" name="pkce" checked />
        <p>
          <label for="app-id_token_alg">ID token algorithm</label>
          <select id="app-id_token_alg" name="id_token_alg">
            <option value="RS256">RS256</option>
            <option value="ES256">ES256</option>
          </select>
        </p>
        <fieldset>
          <legend>Groups (none ticked: every member)</legend>
          {props.groups.map((group) => (
            <Check label={group} name="group" value={group} />
          ))}
        </fieldset>
        <Check label="Accept a PIN-only sign-in" name="allow_pin" />
        <Check label="Require a second factor" name="require_mfa" />
        <button type="submit">Add app</button>
      </form>
    </Layout>
  )
}

function TextList(props: { label: string; name: string }) {
  return (
    <p>
      <label for={`app-${props.name}`}>{props.label}</label>
      <textarea id={`app-${props.name}`} name={props.name} rows={2}></textarea>
    </p>
  )
}

function Check(props: { label: string; name: string; value?: string; checked?: boolean }) {
  const id = `app-${props.name}${props.value ? `-${props.value}` : ''}`
  return (
    <p>
      <input
        type="checkbox"
        id={id}
        name={props.name}
        value={props.value ?? 'on'}
        checked={props.checked}
      />{' '}
      <label for={id}>{props.label}</label>
    </p>
  )
}
