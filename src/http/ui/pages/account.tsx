import { Csrf, Field, Layout, type PageProps } from './layout.js'

export interface AccountView {
  username: string
  displayName: string
  pinOnly: boolean
  methods: {
    password: boolean
    totp: boolean
    passkeys: number
    pin: boolean
    quick_login: boolean
    mfa: boolean
  }
  passkeys: { id: string; name: string; created_at: string; last_used_at: string | null }[]
  sessions: {
    id: string
    created_at: string
    last_used_at: string
    address: string | null
    user_agent: string | null
    methods: string[]
    current: boolean
  }[]
  totpSetup?: { secret: string; qrDataURI: string } | null
  recoveryCodes?: string[] | null
}

const Post = (props: { action: string; csrf: string; label: string; children?: unknown }) => (
  <form method="post" action={props.action} class="inline">
    <Csrf token={props.csrf} />
    {props.children as never}
    <button type="submit">{props.label}</button>
  </form>
)

export function AccountPage(props: Omit<PageProps, 'title'> & { view: AccountView }) {
  const { view, csrf } = props
  return (
    <Layout {...props} title="My account">
      <p>
        Signed in as <strong>{view.displayName}</strong> ({view.username}).
      </p>
      {view.pinOnly ? (
        <p class="info">
          You signed in with your PIN. Sign in with your password or a passkey to change anything
          here.
        </p>
      ) : null}

      {view.recoveryCodes ? (
        <section>
          <h2>Your recovery codes</h2>
          <p>
            Write these down now; they are shown only once. Each works once if you lose your
            authenticator.
          </p>
          <ul id="recovery-codes">
            {view.recoveryCodes.map((code) => (
              <li>
                <code>{code}</code>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section>
        <h2>Passkeys</h2>
        <ul id="passkeys">
          {view.passkeys.map((p) => (
            <li>
              <form method="post" action={`/ui/account/passkeys/${p.id}/rename`} class="inline">
                <Csrf token={csrf} />
                <label for={`name-${p.id}`}>Name</label>{' '}
                <input id={`name-${p.id}`} name="name" value={p.name} />{' '}
                <button type="submit">Rename</button>
              </form>{' '}
              <Post action={`/ui/account/passkeys/${p.id}/delete`} csrf={csrf} label="Remove" />
            </li>
          ))}
        </ul>
        <p>
          <button type="button" id="passkey-add">
            Add a passkey
          </button>
        </p>
      </section>

      <section>
        <h2>Authenticator app (TOTP)</h2>
        {view.totpSetup ? (
          <>
            <p>
              Scan the code with your authenticator app, or type the secret, then enter the code it
              shows.
            </p>
            <img
              src={view.totpSetup.qrDataURI}
              alt="QR code for your authenticator app"
              width="200"
              height="200"
            />
            <p>
              Secret: <code id="totp-secret">{view.totpSetup.secret}</code>
            </p>
            <form method="post" action="/ui/account/totp/confirm">
              <Csrf token={csrf} />
              <Field label="Code" name="code" inputmode="numeric" autocomplete="one-time-code" />
              <p>
                <button type="submit">Confirm</button>
              </p>
            </form>
          </>
        ) : view.methods.totp ? (
          <form method="post" action="/ui/account/totp/remove">
            <Csrf token={csrf} />
            <p>An authenticator app is set up.</p>
            <Field
              label="Current password"
              name="current_password"
              type="password"
              autocomplete="current-password"
              form="totp"
            />
            <button type="submit">Remove it</button>
          </form>
        ) : (
          <Post action="/ui/account/totp/setup" csrf={csrf} label="Set up an authenticator app" />
        )}
      </section>

      <section>
        <h2>PIN and household quick login</h2>
        <form method="post" action="/ui/account/pin">
          <Csrf token={csrf} />
          <Field
            label={view.methods.pin ? 'New PIN' : 'PIN (digits)'}
            name="pin"
            type="password"
            inputmode="numeric"
            form="pin"
          />
          <Field
            label="Current password"
            name="current_password"
            type="password"
            autocomplete="current-password"
            form="pin"
          />
          <button type="submit">Set PIN</button>
        </form>
        {view.methods.pin ? (
          <Post action="/ui/account/pin/remove" csrf={csrf} label="Remove PIN" />
        ) : null}
        <form method="post" action="/ui/account/quick-login" class="inline">
          <Csrf token={csrf} />
          <input type="hidden" name="enabled" value={view.methods.quick_login ? 'false' : 'true'} />
          <button type="submit" id="quick-login-toggle">
            {view.methods.quick_login
              ? 'Leave the household picker'
              : 'Show me in the household picker'}
          </button>
        </form>
      </section>

      <section>
        <h2>Password</h2>
        <form method="post" action="/ui/account/password">
          <Csrf token={csrf} />
          <Field
            label="Current password"
            name="current_password"
            type="password"
            autocomplete="current-password"
            form="password"
          />
          <Field
            label={`New password (at least ${props.passwordMinLength} characters)`}
            name="new_password"
            type="password"
            autocomplete="new-password"
            form="password"
          />
          <button type="submit">Change password</button>
        </form>
      </section>

      <section>
        <h2>Where you are signed in</h2>
        <ul id="sessions">
          {view.sessions.map((s) => (
            <li>
              {s.user_agent ?? 'unknown device'} · {s.address ?? 'unknown address'} · last used{' '}
              {s.last_used_at}
              {s.current ? (
                ' (this one)'
              ) : (
                <Post action={`/ui/account/sessions/${s.id}/revoke`} csrf={csrf} label="Sign out" />
              )}
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  )
}
