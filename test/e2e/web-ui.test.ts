import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generate } from 'otplib'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addVirtualAuthenticator, launchBrowser, screenshot } from '../helpers/browser.js'
import { freePort, startProcess, type RunningProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

const OWNER_PASSWORD = 'the owner picked a long password'
const PIN = '472913'
let server: RunningProcess
let browser: Browser
let page: Page
let base: string
let setupCode: string
/** Every console error and page error Chromium reports, with the page it came from. */
const consoleErrors: string[] = []

beforeAll(async () => {
  const port = await freePort()
  base = `http://localhost:${port}`
  server = startProcess(
    {
      AUTH_SECRET: strongSecret(),
      AUTH_ISSUER: base,
      AUTH_QUICK_LOGIN_NETWORKS: '127.0.0.0/8,::1/128',
    },
    { cwd: tempDir(), port },
  )
  await server.waitForLog('ready')
  setupCode = /setup code ([A-Z0-9-]+)/.exec(server.output())![1]!
  browser = await launchBrowser()
  page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage()
  page.setDefaultTimeout(10_000)
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`))
  await addVirtualAuthenticator(page)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  server?.child.kill('SIGTERM')
  await server?.exited
})

/** Waits for the element, then checks its text (Playwright's own matchers need its runner). */
async function expectText(locator: Locator, text: string | RegExp) {
  await locator.first().waitFor()
  const actual = await locator.first().innerText()
  if (typeof text === 'string') expect(actual).toContain(text)
  else expect(actual).toMatch(text)
}
const heading = () => page.locator('h1').innerText()
const signOut = async () => {
  await page.getByRole('button', { name: 'Sign out' }).first().click()
  await page.waitForURL(`${base}/ui/sign-in`)
}
const totpCode = (secret: string, stepsAhead = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 })

// One household's story, in order: each step builds on the one before, as a person would.
describe('the web UI in Chromium', () => {
  let totpSecret = ''
  let recoveryCodes: string[] = []

  it('first-run setup creates the admin and signs them in', async () => {
    await page.goto(`${base}/ui`)
    await page.waitForURL(`${base}/ui/setup`)
    await screenshot(page, '01-setup')
    await page.getByLabel('Setup code').fill(setupCode.toLowerCase())
    await page.getByLabel('Username').fill('owner')
    await page.getByLabel('Password (at least 15 characters)').fill(OWNER_PASSWORD)
    await page.getByRole('button', { name: 'Create admin' }).click()
    await page.waitForURL(`${base}/ui/account`)
    expect(await heading()).toBe('My account')
    await screenshot(page, '02-account')
  })

  it('signs out and in again by password', async () => {
    await signOut()
    await screenshot(page, '03-sign-in')
    await page.getByLabel('Username').fill('owner')
    await page.getByLabel('Password').fill('not the right password')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await expectText(page.getByRole('alert'), 'not valid')
    await page.getByLabel('Password').fill(OWNER_PASSWORD)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.waitForURL(`${base}/ui/account`)
  })

  it('adds a passkey, signs out, and signs in with it without a username', async () => {
    await page.getByRole('button', { name: 'Add a passkey' }).click()
    await page.locator('#passkeys li').first().waitFor()
    expect(await page.locator('#passkeys li').count()).toBe(1)
    await screenshot(page, '04-passkey-added')
    await signOut()
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await page.waitForURL(`${base}/ui/account`)
    await expectText(page.locator('main'), 'Signed in as owner')
  })

  it('enrols TOTP from the secret on the page and signs in with a code', async () => {
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click()
    totpSecret = (await page.locator('#totp-secret').innerText()).trim()
    expect(await page.getByRole('img', { name: /QR code/ }).isVisible()).toBe(true)
    await screenshot(page, '05-totp-setup')
    await page.getByLabel('Code', { exact: true }).fill(await totpCode(totpSecret))
    await page.getByRole('button', { name: 'Confirm' }).click()
    recoveryCodes = await page.locator('#recovery-codes code').allInnerTexts()
    expect(recoveryCodes).toHaveLength(10)
    await screenshot(page, '06-recovery-codes')
    await signOut()
    await page.getByLabel('Username').fill('owner')
    await page.getByLabel('Password').fill(OWNER_PASSWORD)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    expect(await heading()).toBe('Second step')
    await screenshot(page, '07-second-step')
    // The confirmation used this time step; the next one is within the allowed drift.
    await page.getByLabel('Code from your authenticator app').fill(await totpCode(totpSecret, 1))
    await page.getByRole('button', { name: 'Continue' }).first().click()
    await page.waitForURL(`${base}/ui/account`)
  })

  it('sets a PIN, joins the household picker, and signs in with profile + PIN pad', async () => {
    await page.getByLabel('PIN (digits)').fill(PIN)
    await page
      .locator('form[action="/ui/account/pin"]')
      .getByLabel('Current password')
      .fill(OWNER_PASSWORD)
    await page.getByRole('button', { name: 'Set PIN' }).click()
    await expectText(page.getByRole('status'), 'PIN set')
    await page.getByRole('button', { name: 'Show me in the household picker' }).click()
    await expectText(page.getByRole('status'), 'household picker')
    await signOut()
    await page.goto(`${base}/ui/household`)
    await screenshot(page, '08-household')
    await page.getByRole('link', { name: 'owner' }).click()
    for (const digit of PIN) await page.locator(`.key[data-key="${digit}"]`).click()
    await screenshot(page, '09-pin-pad')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.waitForURL(`${base}/ui/account`)
    await expectText(page.locator('main'), 'You signed in with your PIN')
  })

  it('lets the admin add a member (after a password + recovery-code sign-in)', async () => {
    await page.goto(`${base}/ui/members`)
    // A PIN session may not: the same 403 step_up_required as the API's admin routes.
    expect(await page.locator('body').innerText()).toContain('step_up_required')
    await page.goto(`${base}/ui/account`)
    await signOut()
    await page.getByLabel('Username').fill('owner')
    await page.getByLabel('Password').fill(OWNER_PASSWORD)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByText('Use a recovery code').click()
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!)
    await page.getByRole('button', { name: 'Continue' }).last().click()
    await page.waitForURL(`${base}/ui/account`)
    await page.getByRole('link', { name: 'Members' }).click()
    await page.getByLabel('Username').fill('kid')
    await page.getByLabel('Display name').fill('The Kid')
    await page.getByRole('button', { name: 'Add member' }).click()
    await page.locator('#reset-code').waitFor()
    expect(await page.locator('#reset-code').innerText()).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await expectText(page.locator('tbody'), 'The Kid')
    await screenshot(page, '10-members')
  })

  it('lets the new member choose a password with the one-time code', async () => {
    const code = await page.locator('#reset-code').innerText()
    await signOut()
    await page.goto(`${base}/ui/reset`)
    await screenshot(page, '11-reset')
    await page.getByLabel('Code').fill(code)
    await page
      .getByLabel('New password (at least 15 characters)')
      .fill('the kid chose this password')
    await page.getByRole('button', { name: 'Set password' }).click()
    await expectText(page.getByRole('status'), 'Password set')
    await page.getByLabel('Username').fill('kid')
    await page.getByLabel('Password').fill('the kid chose this password')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.waitForURL(`${base}/ui/account`)
    await expectText(page.locator('main'), 'Signed in as The Kid')
    expect(await page.getByRole('link', { name: 'Members' }).count()).toBe(0)
  })

  it('logs no console error on any page of the story (favicon included)', () => {
    // The story's only refusals answered before this point are a wrong password (401) and a
    // PIN session on the members page (403): Chromium reports those documents' status.
    const unexpected = consoleErrors.filter(
      (line) => !/status of (401|403) \((Unauthorized|Forbidden)\)/.test(line),
    )
    expect(unexpected).toEqual([])
  })

  it('refuses a form posted from another site, while its own forms keep working', async () => {
    // Another origin (127.0.0.1 is another site than localhost) serving a form at the UI.
    const evil = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html')
      response.end(
        `<!DOCTYPE html><form method="post" action="${base}/ui/sign-out">` +
          '<button type="submit">Win a prize</button></form>',
      )
    })
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve))
    const { port } = evil.address() as AddressInfo
    try {
      const attacker = await page.context().newPage()
      await attacker.goto(`http://127.0.0.1:${port}/`)
      const [answer] = await Promise.all([
        attacker.waitForNavigation(),
        attacker.getByRole('button', { name: 'Win a prize' }).click(),
      ])
      expect(answer?.status()).toBe(403)
      await attacker.close()
    } finally {
      evil.close()
    }
    // Still signed in: the cross-site post ended nothing.
    await page.goto(`${base}/ui/account`)
    await expectText(page.locator('main'), 'Signed in as The Kid')
  })

  it('refuses a return_to to a foreign origin', async () => {
    const response = await page.goto(`${base}/ui/sign-in?return_to=https://evil.example/steal`)
    expect(response?.status()).toBe(400)
  })
})
