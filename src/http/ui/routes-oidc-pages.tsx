import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import type { ProviderPages } from '../../oidc/provider-config.js'

/** A provider page: the web UI's stylesheet, no script (the provider sets a strict CSP). */
function Frame(props: { title: string; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Hail Mary`}</title>
        <link rel="stylesheet" href="/ui/assets/app.css" />
      </head>
      <body>
        <header>
          <strong>Hail Mary</strong>
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  )
}

const page = (element: unknown) => `<!DOCTYPE html>${String(element)}`

/**
 * The pages oidc-provider shows itself: its errors (an unknown app or redirect address gets
 * this page, never a redirect: API §12), the sign-out question of RP-initiated logout, and
 * its answer when the app named no address to return to.
 */
export const providerPages: ProviderPages = {
  error: (out) =>
    page(
      <Frame title="This sign-in cannot go on">
        <p role="alert" class="error" data-error={out.error}>
          {out.error_description ?? out.error}
        </p>
        <p>
          Go back to the app and try again; if this keeps happening, tell whoever set the app up
          (error <code>{out.error}</code>).
        </p>
      </Frame>,
    ),
  // `form` is the provider's own hidden form (action and a one-time xsrf value), trusted.
  logout: (form, clientName) =>
    page(
      <Frame title="Sign out?">
        <p>
          {clientName ? `${clientName} asks to sign you out.` : 'An app asks to sign you out.'}{' '}
          Signing out here ends your session on this device for every app.
        </p>
        {raw(form)}
        <p>
          <button type="submit" form="op.logoutForm" value="yes" name="logout">
            Sign out
          </button>{' '}
          <button type="submit" form="op.logoutForm" class="secondary">
            Stay signed in
          </button>
        </p>
      </Frame>,
    ),
  loggedOut: (clientName) =>
    page(
      <Frame title="Signed out">
        <p>{clientName ? `You signed out of ${clientName}.` : 'You signed out.'}</p>
        <p>
          <a href="/ui/sign-in">Sign in again</a>
        </p>
      </Frame>,
    ),
}
