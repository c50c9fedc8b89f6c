import { createRequire } from 'node:module'

type Lists = { passwords: ReadonlySet<string>; words: ReadonlySet<string> }
type Dictionary = Record<'passwords-common' | 'diceware-common', string[]>

/**
 * zxcvbn-ts's maintained lists: the 49k most common passwords and the EFF diceware words,
 * shared by the secret and password policies. Unpacked and indexed they cost ~60 ms of CPU
 * and ~12 MiB, yet they are needed only to judge a secret at start and a new password: so
 * each list is built when first asked for, and held only by a WeakRef — a server at rest
 * lets the next garbage collection take it, and builds it again for the next new password.
 */
const LETTERS = /^[a-z]{3,}$/

const held: { passwords?: WeakRef<ReadonlySet<string>>; words?: WeakRef<ReadonlySet<string>> } = {}

export function commonLists(): Lists {
  return {
    get passwords() {
      return keep('passwords', () => {
        const passwords = new Set<string>()
        for (const password of readDictionary()['passwords-common']) {
          passwords.add(password.toLowerCase())
        }
        return passwords
      })
    },
    get words() {
      return keep('words', () => {
        // Added straight from the package's arrays: a spread copy of both (57k entries) took
        // twice the time and grew V8's young generation by ~3 MiB for good.
        const dictionary = readDictionary()
        const words = new Set(dictionary['diceware-common'].filter((word) => LETTERS.test(word)))
        for (const word of dictionary['passwords-common']) if (LETTERS.test(word)) words.add(word)
        return words
      })
    },
  }
}

function keep(name: keyof Lists, build: () => ReadonlySet<string>): ReadonlySet<string> {
  const kept = held[name]?.deref()
  if (kept) return kept
  const built = build()
  held[name] = new WeakRef(built)
  return built
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
