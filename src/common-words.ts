import { dictionary } from '@zxcvbn-ts/language-common'

/**
 * zxcvbn-ts's maintained lists: the 49k most common passwords and the EFF diceware words.
 * Loaded once per process and shared by the secret and password policies.
 */
let cached: { passwords: ReadonlySet<string>; words: ReadonlySet<string> } | null = null

export function commonLists(): { passwords: ReadonlySet<string>; words: ReadonlySet<string> } {
  if (cached) return cached
  const passwords = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))
  const words = new Set<string>()
  for (const word of [...dictionary['diceware-common'], ...dictionary['passwords-common']]) {
    if (/^[a-z]{3,}$/.test(word)) words.add(word)
  }
  cached = { passwords, words }
  return cached
}
