import type { TestApp } from './app.js'

export interface UIBrowser {
  /** Cookies the browser holds, by name. */
  cookies: Map<string, string>
  /** Set-Cookie lines of the last response. */
  lastSetCookies: string[]
  /** The CSRF token of the last page this browser was shown. */
  csrf: string | null
  get(path: string, headers?: Record<string, string>): Promise<Response>
  /** A form post as a same-origin page would send it (its cookies, the page's token). */
  post(
    path: string,
    fields?: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<Response>
  /** A JSON call as the page script makes it (X-CSRF-Token header). */
  postJSON(path: string, json: unknown, headers?: Record<string, string>): Promise<Response>
  cookieHeader(): string
}

/**
 * A small browser for the web UI: keeps cookies, reads the CSRF token of each page it is
 * shown, and sends forms with them, as Chromium does for the service's own pages.
 */
export function uiBrowser(t: TestApp, options: { peer?: string; origin?: string } = {}): UIBrowser {
  const peer = options.peer ?? '127.0.0.1'
  const origin = options.origin ?? 'http://localhost:3100'
  const browser: UIBrowser = {
    cookies: new Map(),
    lastSetCookies: [],
    csrf: null,
    cookieHeader: () => [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    get: (path, headers = {}) => send(path, { method: 'GET', headers }),
    post: (path, fields = {}, headers = {}) =>
      send(path, {
        method: 'POST',
        body: new URLSearchParams({ csrf: browser.csrf ?? '', ...fields }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin,
          'sec-fetch-site': 'same-origin',
          ...headers,
        },
      }),
    postJSON: (path, json, headers = {}) =>
      send(path, {
        method: 'POST',
        body: JSON.stringify(json),
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': browser.csrf ?? '',
          origin,
          'sec-fetch-site': 'same-origin',
          ...headers,
        },
      }),
  }

  async function send(
    path: string,
    init: { method: string; body?: string; headers: Record<string, string> },
  ) {
    const headers: Record<string, string> = { ...init.headers }
    if (browser.cookies.size > 0 && headers.cookie === undefined)
      headers.cookie = browser.cookieHeader()
    for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name]
    const response = await t.app.request(
      path,
      { method: init.method, body: init.body ?? null, headers },
      { incoming: { socket: { remoteAddress: peer } } },
    )
    browser.lastSetCookies = response.headers.getSetCookie()
    for (const line of browser.lastSetCookies) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      const name = pair!.slice(0, at)
      const value = pair!.slice(at + 1)
      if (/max-age=0/i.test(line) || value === '') browser.cookies.delete(name)
      else browser.cookies.set(name, value)
    }
    if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
      const html = await response.clone().text()
      const token = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1]
      if (token) browser.csrf = token
    }
    return response
  }

  return browser
}

/** Signs a browser in with a password through the sign-in page. */
export async function uiSignIn(browser: UIBrowser, username: string, password: string) {
  await browser.get('/ui/sign-in')
  const response = await browser.post('/ui/sign-in', { username, password })
  if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`)
  await browser.get('/ui/account')
  return response
}
