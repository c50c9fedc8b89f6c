import { existsSync, readFileSync } from 'node:fs'
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
  const path = prebuiltListPath(name)
  const built = new Set(existsSync(path) ? readFileSync(path, 'utf8').split('\n') : listOf(name))
  held[name] = new WeakRef(built)
  return built
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
