import { timingSafeEqual } from 'node:crypto'
import { asc, eq } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { apps } from '../db/schema.js'
import { conflict, invalidRequest, notFound } from '../errors.js'
import { randomToken, type SecretKeys } from '../secret-keys.js'
import {
  APP_NAME,
  checkAppSettings,
  DEFAULT_SETTINGS,
  type AppSettings,
  type IDTokenAlg,
} from './app-input.js'
import type { Groups } from './groups.js'

/** An app as the domain sees it: the JSON columns parsed. */
export interface AppRow extends AppSettings {
  name: string
  /** Null for a proxy-only app (no redirect URI). */
  clientId: string | null
  /** HMAC of the client secret; null for public clients and proxy-only apps. */
  clientSecretHash: string | null
  idTokenAlg: IDTokenAlg
  createdAt: number
  updatedAt: number
}

type StoredApp = typeof apps.$inferSelect

const parse = (row: StoredApp): AppRow => ({
  ...row,
  redirectUris: JSON.parse(row.redirectUris) as string[],
  postLogoutRedirectUris: JSON.parse(row.postLogoutRedirectUris) as string[],
  domains: JSON.parse(row.domains) as string[],
  groups: JSON.parse(row.groups) as string[],
})

const store = (app: AppRow): StoredApp => ({
  ...app,
  redirectUris: JSON.stringify(app.redirectUris),
  postLogoutRedirectUris: JSON.stringify(app.postLogoutRedirectUris),
  domains: JSON.stringify(app.domains),
  groups: JSON.stringify(app.groups),
})

/** Settings given without the fields left out (an explicit `undefined` keeps the default). */
const given = (input: Partial<AppSettings>): Partial<AppSettings> =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined))

export type Apps = ReturnType<typeof createApps>

/**
 * The registered apps (API §11). Every read goes to the database (no cache), so an app added
 * or changed by the CLI on the same data directory applies in the running service at once.
 */
export function createApps(deps: {
  db: DB
  clock: Clock
  secretKeys: Pick<SecretKeys, 'hashToken'>
  groups: Pick<Groups, 'assertExist'>
  /** AUTH_AUDIENCE: a client_id equal to one would let the app's tokens pass as ours. */
  audience: readonly string[]
  /** Whether http redirect URIs are accepted beyond loopback (the issuer itself is http). */
  allowHTTP: boolean
}) {
  const { db, clock, secretKeys } = deps

  const findByName = (name: string): AppRow | null => {
    const row = db.select().from(apps).where(eq(apps.name, name)).get()
    return row ? parse(row) : null
  }

  const requireApp = (name: string): AppRow => {
    const app = findByName(name)
    if (!app) throw notFound('No such app.')
    return app
  }

  /** Settings checked against the database: groups exist, no domain served by another app. */
  function checkSettings(name: string, settings: AppSettings): AppSettings {
    const checked = checkAppSettings(settings, deps.allowHTTP)
    deps.groups.assertExist(checked.groups)
    for (const other of db.select().from(apps).all().map(parse)) {
      const shared = other.name !== name && other.domains.find((d) => checked.domains.includes(d))
      if (shared) throw conflict(`The domain ${shared} belongs to the app ${other.name}.`)
    }
    return checked
  }

  /**
   * The credentials an app's settings call for: a client id for an OIDC client (its name:
   * easy to paste, unique as the name is), a fresh secret for a confidential one. The secret
   * is random (256 bits), so an HMAC under the derived token key stores it safely (API §10).
   */
  function credentialsFor(name: string, settings: AppSettings, current: AppRow | null) {
    if (settings.redirectUris.length === 0) {
      return { clientId: null, clientSecretHash: null, clientSecret: undefined }
    }
    if (settings.public) return { clientId: name, clientSecretHash: null, clientSecret: undefined }
    if (current?.clientSecretHash) {
      return { clientId: name, clientSecretHash: current.clientSecretHash, clientSecret: undefined }
    }
    const clientSecret = randomToken(32)
    return { clientId: name, clientSecretHash: secretKeys.hashToken(clientSecret), clientSecret }
  }

  return {
    list: (): AppRow[] => db.select().from(apps).orderBy(asc(apps.name)).all().map(parse),
    findByName,
    requireApp,

    findByClientId(clientId: string): AppRow | null {
      const row = db.select().from(apps).where(eq(apps.clientId, clientId)).get()
      return row ? parse(row) : null
    },

    /** Registers an app; the client secret, if any, is returned here once and never again. */
    add(name: string, input: Partial<AppSettings>): { app: AppRow; clientSecret?: string } {
      if (!APP_NAME.test(name)) throw invalidRequest('name: must be 1–64 of a-z, 0-9, "-", "_"')
      if (deps.audience.includes(name)) {
        throw invalidRequest("name: is this service's own audience (AUTH_AUDIENCE)")
      }
      return db.transaction(() => {
        if (findByName(name)) throw conflict('An app with that name exists already.')
        const settings = checkSettings(name, { ...DEFAULT_SETTINGS, ...given(input) })
        const { clientSecret, ...credentials } = credentialsFor(name, settings, null)
        const now = unixSeconds(clock)
        const app: AppRow = { name, ...settings, ...credentials, createdAt: now, updatedAt: now }
        db.insert(apps).values(store(app)).run()
        return clientSecret === undefined ? { app } : { app, clientSecret }
      })
    },

    /**
     * Changes an app's settings. An app that becomes a confidential client gets its first
     * secret here (returned once); one that stops being one loses it.
     */
    update(name: string, changes: Partial<AppSettings>): { app: AppRow; clientSecret?: string } {
      return db.transaction(() => {
        const current = requireApp(name)
        const settings = checkSettings(name, { ...current, ...given(changes) })
        const { clientSecret, ...credentials } = credentialsFor(name, settings, current)
        const app: AppRow = {
          ...current,
          ...settings,
          ...credentials,
          updatedAt: unixSeconds(clock),
        }
        db.update(apps).set(store(app)).where(eq(apps.name, name)).run()
        return clientSecret === undefined ? { app } : { app, clientSecret }
      })
    },

    remove(name: string): void {
      const removed = db
        .delete(apps)
        .where(eq(apps.name, name))
        .returning({ name: apps.name })
        .all()
      if (removed.length === 0) throw notFound('No such app.')
    },

    /** Constant-time comparison of the secret's HMAC with the stored one. */
    verifySecret(app: AppRow, secret: string): boolean {
      if (!app.clientSecretHash || secret.length === 0 || secret.length > 512) return false
      const given = Buffer.from(secretKeys.hashToken(secret))
      const stored = Buffer.from(app.clientSecretHash)
      return given.length === stored.length && timingSafeEqual(given, stored)
    },
  }
}
