import { execSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { packageRoot } from '../../src/package-root.js'

export const CHROMIUM = '/usr/bin/chromium'
export const ARTIFACTS = join(packageRoot(), 'test-artifacts', 'ui')

/** Debian's Chromium; installed here when missing (CI and developer machines run as root). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return
  try {
    execSync(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium',
      { stdio: 'ignore' },
    )
  } catch {
    throw new Error('These tests need Chromium: apt-get install -y chromium')
  }
}

/** Headless Chromium with the flags this closed network needs; localhost is our server. */
export async function launchBrowser(): Promise<Browser> {
  ensureChromium()
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP localhost 127.0.0.1',
    ],
  })
}

/** A software passkey in the browser: CTAP2, internal, resident keys, user verified. */
export async function addVirtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  })
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}
