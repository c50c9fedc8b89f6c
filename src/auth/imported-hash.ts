/**
 * The password hashes `user import` keeps (API §8): bcrypt of cost 4–15, or an argon2id PHC
 * string whose named parameters may come in any order. Bounds matter because a hash is
 * verified at sign-in: an m of gigabytes or a bcrypt cost of 31 would let one imported row
 * stall or exhaust the service.
 */

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/
const BCRYPT_COST = { min: 4, max: 15 }

// PHC fields: `$argon2id$v=19$<params>$<salt>$<hash>`, salt and hash in unpadded base64.
const ARGON2ID = /^\$argon2id\$v=19\$([^$]*)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/
const DECIMAL = /^(0|[1-9]\d{0,9})$/
/** RFC 9106 minimums (t ≥ 1, p ≥ 1, m ≥ 8·p, salt ≥ 8 bytes); maxima from API §8. */
const ARGON2_BOUNDS = {
  m: { min: 8, max: 262_144, unit: ' KiB' },
  t: { min: 1, max: 10, unit: '' },
  p: { min: 1, max: 8, unit: '' },
} as const
type Argon2Name = keyof typeof ARGON2_BOUNDS
const SALT_BYTES = { min: 8, max: 64 }
// A shorter tag than 16 bytes is not a password hash anyone should trust; 64 is the cap the
// argon2 package verifies.
const TAG_BYTES = { min: 16, max: 64 }

const FORMAT = 'must be a bcrypt ($2a$/$2b$/$2y$) or argon2id PHC string'

/** null when `text` is a hash the import keeps; otherwise what is wrong with it. */
export function importedHashProblem(text: string): string | null {
  if (text.startsWith('$2')) return bcryptProblem(text)
  if (text.startsWith('$argon2id$')) return argon2idProblem(text)
  return FORMAT
}

function bcryptProblem(text: string): string | null {
  const match = BCRYPT.exec(text)
  if (!match) return FORMAT
  const cost = Number(match[1])
  if (cost < BCRYPT_COST.min || cost > BCRYPT_COST.max)
    return `bcrypt cost must be from ${BCRYPT_COST.min} to ${BCRYPT_COST.max}`
  return null
}

function argon2idProblem(text: string): string | null {
  const match = ARGON2ID.exec(text)
  if (!match) return `${FORMAT} ($argon2id$v=19$m=…,t=…,p=…$salt$hash)`
  const params = new Map<Argon2Name, number>()
  for (const pair of (match[1] as string).split(',')) {
    const [name, value, extra] = pair.split('=')
    if (name === undefined || !Object.hasOwn(ARGON2_BOUNDS, name) || extra !== undefined)
      return `argon2id parameter "${name ?? ''}" is unknown (only m, t and p)`
    const key = name as Argon2Name
    if (params.has(key)) return `argon2id parameter ${key} is given twice`
    if (value === undefined || !DECIMAL.test(value))
      return `argon2id parameter ${key} must be a whole number`
    params.set(key, Number(value))
  }
  for (const key of Object.keys(ARGON2_BOUNDS) as Argon2Name[]) {
    const value = params.get(key)
    const { min, max, unit } = ARGON2_BOUNDS[key]
    if (value === undefined) return `argon2id parameter ${key} is missing`
    if (value < min || value > max) return `argon2id ${key} must be from ${min} to ${max}${unit}`
  }
  if ((params.get('m') as number) < 8 * (params.get('p') as number))
    return 'argon2id m must be at least 8 × p KiB'
  if (!isBase64Within(match[2] as string, SALT_BYTES))
    return `argon2id salt must be ${SALT_BYTES.min}–${SALT_BYTES.max} bytes of unpadded base64`
  if (!isBase64Within(match[3] as string, TAG_BYTES))
    return `argon2id hash must be ${TAG_BYTES.min}–${TAG_BYTES.max} bytes of unpadded base64`
  return null
}

function isBase64Within(text: string, bytes: { min: number; max: number }): boolean {
  if (text.length % 4 === 1) return false
  const length = Math.floor((text.length * 3) / 4)
  return length >= bytes.min && length <= bytes.max
}
