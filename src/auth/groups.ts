import { asc, eq, inArray, sql } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { apps, groups, userGroups } from '../db/schema.js'
import { conflict, invalidRequest, notFound } from '../errors.js'

export type GroupRow = typeof groups.$inferSelect

/** Group names (API §11): 1–32 of a-z 0-9 -. */
export const GROUP_NAME = /^[a-z0-9-]{1,32}$/
const DESCRIPTION_MAX = 200

export type Groups = ReturnType<typeof createGroups>

/**
 * The household's groups and who is in them. Read from the database every time (no cache),
 * so a change made by the CLI reaches the running service at once.
 */
export function createGroups(deps: { db: DB; clock: Clock }) {
  const { db, clock } = deps

  const exists = (name: string) =>
    db.select({ name: groups.name }).from(groups).where(eq(groups.name, name)).get() !== undefined

  /** The apps whose policy names `name` (JSON arrays, so compared in code: a handful of rows). */
  const appsNaming = (name: string) =>
    db
      .select({ name: apps.name, groups: apps.groups })
      .from(apps)
      .all()
      .filter((app) => (JSON.parse(app.groups) as string[]).includes(name))
      .map((app) => app.name)

  // Prepared once: forward auth asks it in front of every request of a protected app.
  const namesOfUser = db
    .select({ name: userGroups.groupName })
    .from(userGroups)
    .where(eq(userGroups.userId, sql.placeholder('userId')))
    .orderBy(asc(userGroups.groupName))
    .prepare()

  /** Throws 400 naming the first group that does not exist. */
  function assertExist(names: readonly string[]): void {
    if (names.length === 0) return
    const bad = names.find((name) => !GROUP_NAME.test(name))
    if (bad !== undefined) throw invalidRequest('groups: names are 1–32 of a-z, 0-9, "-"')
    const found = new Set(
      db
        .select({ name: groups.name })
        .from(groups)
        .where(inArray(groups.name, [...names]))
        .all()
        .map((row) => row.name),
    )
    const missing = names.find((name) => !found.has(name))
    if (missing !== undefined) throw invalidRequest(`groups: no group named "${missing}"`)
  }

  return {
    list: (): GroupRow[] => db.select().from(groups).orderBy(asc(groups.name)).all(),

    exists,

    add(name: string, description?: string | null): GroupRow {
      if (!GROUP_NAME.test(name)) throw invalidRequest('name: must be 1–32 of a-z, 0-9, "-"')
      const text = description?.trim() || null
      if (text !== null && text.length > DESCRIPTION_MAX) {
        throw invalidRequest(`description: at most ${DESCRIPTION_MAX} characters`)
      }
      const row = { name, description: text, createdAt: unixSeconds(clock) }
      return db.transaction(() => {
        if (exists(name)) throw conflict('That group exists already.')
        db.insert(groups).values(row).run()
        return row
      })
    },

    /**
     * Removes a group and its memberships. A group an app names cannot go (409): removing an
     * app's last group would open the app to every member (API §11).
     */
    remove(name: string): void {
      db.transaction(() => {
        if (!exists(name)) throw notFound('No such group.')
        const naming = appsNaming(name)
        if (naming.length > 0) {
          throw conflict(
            `The group is named by the app(s) ${naming.join(', ')}; change them first.`,
          )
        }
        db.delete(userGroups).where(eq(userGroups.groupName, name)).run()
        db.delete(groups).where(eq(groups.name, name)).run()
      })
    },

    /** The names of a person's groups, sorted (as tokens and views carry them). */
    namesOf(userId: string): string[] {
      return namesOfUser.all({ userId }).map((row) => row.name)
    },

    assertExist,

    /** Replaces a person's groups with `names` (unknown group → 400), in one transaction. */
    setForUser(userId: string, names: readonly string[]): string[] {
      const wanted = [...new Set(names)].sort()
      return db.transaction(() => {
        assertExist(wanted)
        db.delete(userGroups).where(eq(userGroups.userId, userId)).run()
        if (wanted.length > 0) {
          db.insert(userGroups)
            .values(wanted.map((groupName) => ({ userId, groupName })))
            .run()
        }
        return wanted
      })
    },
  }
}
