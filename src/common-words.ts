import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { packageRoot } from './package-root.js'

export type ListName = 'passwords' | 'words'
type Lists = Record<ListName, ReadonlySet<string>>
type Dictionary = Record<'passwords-common' | 'diceware-common', string[]>

const LETTERS = /^[a-z]{3,}$/

/**
 * zxcvbn-ts's maintained lists: the 49k most common passwords and the EFF diceware words,
 * shared by the secret and password policies. They are needed only to judge a secret at start
 * and a new password, so each list is built when first asked for and held only by a WeakRef:
 * a server at rest lets the next garbage collection take it.
 */
const held: { [name in ListName]?: WeakRef<ReadonlySet<string>> } = {}

export function commonLists(): Lists {
  return {
    get passwords() {
      return keep('passwords')
    },
    get words() {
      return keep('words')
    },
  }
}

/**
 * Where the build writes each list, one entry a line (build/bundle.mjs): read in ~10 ms,
 * where unpacking the package's compressed lists took ~45 ms of every start with AUTH_SECRET
 * (and grew V8's young generation for good).
 */
export const prebuiltListPath = (name: ListName) =>
  join(packageRoot(), 'dist', 'server', 'common-words', `${name}.txt`)

function keep(name: ListName): ReadonlySet<string> {
  const kept = held[name]?.deref()
  if (kept) return kept
  const built = new Set(readPrebuilt(name) ?? listOf(name))
  held[name] = new WeakRef(built)
  return built
}

/**
 * The text the build writes: a header line with the entry count and the SHA-256 of the
 * entries, then the entries. The header is what lets a reader tell a whole list from one cut
 * short (a full disk during the build, a partial copy into an image) or emptied, which would
 * otherwise pass every common password and every word-built secret, silently.
 */
export function listFileText(name: ListName): string {
  const list = listOf(name)
  const entries = list.join('\n')
  return `${header(list.length, entries)}\n${entries}`
}

const header = (count: number, entries: string) =>
  `# ${count} ${createHash('sha256').update(entries).digest('hex')}`

/** The build's list, or null when there is none (then the package is read); damaged: throws. */
function readPrebuilt(name: ListName): string[] | null {
  const path = prebuiltListPath(name)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  const newline = text.indexOf('\n')
  const entries = newline < 0 ? '' : text.slice(newline + 1)
  const list = entries.split('\n')
  if (newline < 0 || text.slice(0, newline) !== header(list.length, entries)) {
    throw new Error(`${path} is damaged (cut short or changed): run \`npm run build\` again`)
  }
  return list
}

/** A list as the rules make it from the package: what the build writes, and the fallback. */
export function listOf(name: ListName): string[] {
  const dictionary = readDictionary()
  if (name === 'passwords') {
    return [...new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))]
  }
  const words = new Set(dictionary['diceware-common'].filter((word) => LETTERS.test(word)))
  for (const word of dictionary['passwords-common']) if (LETTERS.test(word)) words.add(word)
  return [...words]
}

/**
 * The package read through a require of its own, outside the server bundle, and dropped from
 * Node's module cache at once: the cache would otherwise keep the unpacked lists for the
 * life of the process.
 */
function readDictionary(): Dictionary {
  const require = createRequire(import.meta.url)
  try {
    return (require('@zxcvbn-ts/language-common') as { dictionary: Dictionary }).dictionary
  } finally {
    for (const path of Object.keys(require.cache)) {
      if (path.includes('/node_modules/@zxcvbn-ts/')) delete require.cache[path]
    }
  }
}
