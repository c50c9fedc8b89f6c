import { Csrf, Field, Layout, type PageProps } from './layout.js'

export function SignInPage(
  props: Omit<PageProps, 'title'> & { returnTo: string | null; username?: string },
) {
  return (
    <Layout {...props} title="Sign in">
      <form method="post" action="/ui/sign-in">
        <Csrf token={props.csrf} />
        {props.returnTo ? <input type="hidden" name="return_to" value={props.returnTo} /> : null}
        <Field
          label="Username"
          name="username"
          autocomplete="username webauthn"
          value={props.username ?? ''}
        />
        <Field label="Password" name="password" type="password" autocomplete="current-password" />
        <p>
          <button type="submit">Sign in</button>
        </p>
      </form>
      <p>
        <button type="button" id="passkey-sign-in" data-return-to={props.returnTo ?? ''}>
          Sign in with a passkey
        </button>
      </p>
      <p>
        <a href="/ui/household">Household profiles</a>
      </p>
    </Layout>
  )
}

export function SecondFactorPage(
  props: Omit<PageProps, 'title'> & {
    mfaToken: string
    methods: string[]
    returnTo: string | null
  },
) {
  const hidden = (
    <>
      <Csrf token={props.csrf} />
      <input type="hidden" name="mfa_token" value={props.mfaToken} />
      {props.returnTo ? <input type="hidden" name="return_to" value={props.returnTo} /> : null}
    </>
  )
  return (
    <Layout {...props} title="Second step">
      {props.methods.includes('totp') ? (
        <form method="post" action="/ui/sign-in/totp">
          {hidden}
          <Field
            label="Code from your authenticator app"
            name="code"
            inputmode="numeric"
            autocomplete="one-time-code"
            form="totp"
          />
          <p>
            <button type="submit">Continue</button>
          </p>
        </form>
      ) : null}
      {props.methods.includes('webauthn') ? (
        <p>
          <button
            type="button"
            id="passkey-second-factor"
            data-mfa-token={props.mfaToken}
            data-return-to={props.returnTo ?? ''}
          >
            Use my passkey
          </button>
        </p>
      ) : null}
      <details>
        <summary>Use a recovery code</summary>
        <form method="post" action="/ui/sign-in/recovery-code">
          {hidden}
          <Field label="Recovery code" name="code" form="recovery" />
          <p>
            <button type="submit">Continue</button>
          </p>
        </form>
      </details>
    </Layout>
  )
}

export function SetupPage(props: Omit<PageProps, 'title'>) {
  return (
    <Layout {...props} title="First-run set-up">
      <p>Create the household's first admin with the one-time setup code from the service's log.</p>
      <form method="post" action="/ui/setup">
        <Csrf token={props.csrf} />
        <Field label="Setup code" name="code" />
        <Field label="Username" name="username" autocomplete="username" />
        <Field
          label={`Password (at least ${props.passwordMinLength} characters)`}
          name="password"
          type="password"
          autocomplete="new-password"
        />
        <p>
          <button type="submit">Create admin</button>
        </p>
      </form>
    </Layout>
  )
}

export function HouseholdPage(
  props: Omit<PageProps, 'title'> & {
    profiles: { id: string; display_name: string }[]
    chosen: { id: string; display_name: string } | null
  },
) {
  return (
    <Layout {...props} title={props.chosen ? `Hello, ${props.chosen.display_name}` : 'Who is it?'}>
      {props.chosen ? (
        <form method="post" action="/ui/household" class="pin-pad">
          <Csrf token={props.csrf} />
          <input type="hidden" name="user_id" value={props.chosen.id} />
          <Field label="PIN" name="pin" type="password" inputmode="numeric" autocomplete="off" />
          <div class="keys" aria-hidden="true">
            {['1', '2', '3', '4', '5', '6', '7', '8', '9', '', '0', '⌫'].map((key) =>
              key === '' ? (
                <span />
              ) : (
                <button type="button" class="key" data-key={key}>
                  {key}
                </button>
              ),
            )}
          </div>
          <p>
            <button type="submit">Sign in</button> <a href="/ui/household">Someone else</a>
          </p>
        </form>
      ) : (
        <ul class="profiles">
          {props.profiles.map((p) => (
            <li>
              <a class="profile" href={`/ui/household?user=${encodeURIComponent(p.id)}`}>
                {p.display_name}
              </a>
            </li>
          ))}
          {props.profiles.length === 0 ? <li>Nobody has quick login yet.</li> : null}
        </ul>
      )}
    </Layout>
  )
}

export function ResetPage(props: Omit<PageProps, 'title'>) {
  return (
    <Layout {...props} title="Choose your password">
      <p>Use the one-time code an admin gave you.</p>
      <form method="post" action="/ui/reset">
        <Csrf token={props.csrf} />
        <Field label="Code" name="code" />
        <Field
          label={`New password (at least ${props.passwordMinLength} characters)`}
          name="new_password"
          type="password"
          autocomplete="new-password"
        />
        <p>
          <button type="submit">Set password</button>
        </p>
      </form>
    </Layout>
  )
}
