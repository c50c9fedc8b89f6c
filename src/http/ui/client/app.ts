// The web UI's one script (bundled with @simplewebauthn/browser by esbuild at build time):
// passkey ceremonies and the PIN pad. Everything else works without it.
import { startAuthentication, startRegistration } from '@simplewebauthn/browser'

const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? ''

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  })
  const json = (await response.json()) as Record<string, unknown>
  // A credential change needs a recent sign-in: sign in again, then come back here.
  if (json.error === 'reauth_required') {
    const back = encodeURIComponent(window.location.pathname)
    window.location.assign(`/ui/sign-in?reauth=1&return_to=${back}`)
    throw new Error(String(json.message))
  }
  if (!response.ok) throw new Error(String(json.message ?? 'Something went wrong.'))
  return json
}

function report(error: unknown): void {
  const main = document.querySelector('main')
  const note = document.createElement('p')
  note.setAttribute('role', 'alert')
  note.className = 'error'
  note.textContent = error instanceof Error ? error.message : String(error)
  main?.insertBefore(note, main.children[1] ?? null)
}

async function signInWithPasskey(button: HTMLElement): Promise<void> {
  const mfaToken = button.dataset.mfaToken
  const { login_id, options } = await post(
    '/ui/passkey/options',
    mfaToken ? { mfa_token: mfaToken } : {},
  )
  const response = await startAuthentication({ optionsJSON: options as never })
  const result = await post('/ui/passkey/verify', {
    login_id,
    response,
    return_to: button.dataset.returnTo || undefined,
  })
  window.location.assign(String(result.redirect))
}

async function addPasskey(): Promise<void> {
  const { registration_id, options } = await post('/ui/account/passkeys/options', {})
  const response = await startRegistration({ optionsJSON: options as never })
  await post('/ui/account/passkeys', { registration_id, response, name: 'Passkey' })
  window.location.reload()
}

for (const id of ['passkey-sign-in', 'passkey-second-factor']) {
  const button = document.getElementById(id)
  button?.addEventListener('click', () => void signInWithPasskey(button).catch(report))
}
document
  .getElementById('passkey-add')
  ?.addEventListener('click', () => void addPasskey().catch(report))

// The PIN pad types into the PIN field, for the kitchen tablet.
const pin = document.querySelector<HTMLInputElement>('.pin-pad input[name="pin"]')
for (const key of document.querySelectorAll<HTMLButtonElement>('.pin-pad .key')) {
  key.addEventListener('click', () => {
    if (!pin) return
    pin.value =
      key.dataset.key === '⌫' ? pin.value.slice(0, -1) : pin.value + (key.dataset.key ?? '')
    pin.focus()
  })
}
