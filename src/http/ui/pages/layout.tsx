import type { Child } from 'hono/jsx'

export interface PageProps {
  title: string
  csrf: string
  /** From the configuration (AUTH_PASSWORD_MIN_LENGTH), never hard-coded in a page. */
  passwordMinLength: number
  signedIn?: { displayName: string; isAdmin: boolean } | null
  message?: { kind: 'error' | 'info'; text: string } | null
  children?: Child
}

/** The one page frame: readable without CSS, no inline script or style (strict CSP). */
export function Layout(props: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content={props.csrf} />
        <title>{`${props.title} · Hail Mary`}</title>
        <link rel="stylesheet" href="/ui/assets/app.css" />
        <script type="module" src="/ui/assets/app.js" defer></script>
      </head>
      <body>
        <header>
          <strong>Hail Mary</strong>
          {props.signedIn ? (
            <nav aria-label="Main">
              <a href="/ui/account">My account</a>
              {props.signedIn.isAdmin ? <a href="/ui/members">Members</a> : null}
              {props.signedIn.isAdmin ? <a href="/ui/apps">Apps</a> : null}
              <form method="post" action="/ui/sign-out" class="inline">
                <input type="hidden" name="csrf" value={props.csrf} />
                <button type="submit">Sign out</button>
              </form>
            </nav>
          ) : null}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.message ? (
            <p
              role={props.message.kind === 'error' ? 'alert' : 'status'}
              class={props.message.kind}
            >
              {props.message.text}
            </p>
          ) : null}
          {props.children}
        </main>
      </body>
    </html>
  )
}

export const Csrf = (props: { token: string }) => (
  <input type="hidden" name="csrf" value={props.token} />
)

export function Field(props: {
  label: string
  name: string
  type?: string
  autocomplete?: string
  inputmode?: 'numeric' | 'text'
  required?: boolean
  value?: string
  /** Distinguishes fields of the same name in different forms of one page (unique ids). */
  form?: string
}) {
  const id = props.form ? `${props.form}-${props.name}` : `field-${props.name}`
  return (
    <p>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        autocomplete={props.autocomplete ?? 'off'}
        inputmode={props.inputmode}
        required={props.required ?? true}
        value={props.value}
      />
    </p>
  )
}
