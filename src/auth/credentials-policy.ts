import { commonLists } from '../common-words.js'

export const MAX_PASSWORD_LENGTH = 256
const USERNAME = /^[a-z0-9._-]{3,32}$/

/** NFKC, lower case; null when it could never be a valid username (API §7). */
export function normalizeUsername(raw: string): string | null {
  const normalized = raw.normalize('NFKC').toLowerCase()
  return USERNAME.test(normalized) ? normalized : null
}

/**
 * Password rules of API §7 and NIST SP 800-63B: length in code points after NFKC, a cap,
 * not a common password, not the username. Returns the reason, or null when acceptable.
 */
export function passwordProblem(
  password: string,
  options: { minLength: number; username?: string },
): string | null {
  const normalized = password.normalize('NFKC')
  const length = [...normalized].length
  if (length < options.minLength) return `must be at least ${options.minLength} characters`
  if (length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`
  const folded = normalized.toLowerCase()
  if (commonLists().passwords.has(folded)) return 'is too common; choose another'
  if (options.username && folded === options.username.toLowerCase()) {
    return 'must not be the username'
  }
  return null
}

/** Passwords are hashed in NFKC form so the same password typed on any device matches. */
export const normalizePassword = (password: string) => password.normalize('NFKC')
