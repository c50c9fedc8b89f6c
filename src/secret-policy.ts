/**
 * Decides whether a master secret given by the operator is strong enough (API §1.1).
 * Never includes the secret itself in what it returns.
 */
export type SecretVerdict = { ok: true } | { ok: false; reason: string }

export const MIN_SECRET_LENGTH = 32
export const MIN_SECRET_BITS = 128

// Substrings of well-known defaults and placeholders, compared without case or separators.
const PLACEHOLDERS = [
  'developmentsecret',
  'yoursecret',
  'mysecret',
  'supersecret',
  'topsecret',
  'secretkey',
  'jwtsecret',
  'authsecret',
  'placeholder',
  'replaceme',
  'replacewith',
  'insecure',
  'notsecure',
  'example',
  'default',
  'dummy',
  'sample',
]
const CHANGE_ME = /change.*(me|prod)/

export function assessSecret(secret: string, words: ReadonlySet<string>): SecretVerdict {
  const chars = [...secret]
  if (chars.length < MIN_SECRET_LENGTH) {
    return { ok: false, reason: `it is shorter than ${MIN_SECRET_LENGTH} characters` }
  }
  const folded = secret.toLowerCase().replace(/[^a-z0-9]/g, '')
  if (
    CHANGE_ME.test(folded) ||
    PLACEHOLDERS.some((p) => folded.includes(p)) ||
    /^(secret|password|changeme|test)+\d*$/.test(folded)
  ) {
    return { ok: false, reason: 'it is a well-known default or placeholder' }
  }
  if (new Set(chars).size < 10) {
    return { ok: false, reason: 'it has fewer than 10 distinct characters' }
  }
  if (smallestPeriod(chars) <= chars.length / 2) {
    return { ok: false, reason: 'it repeats a pattern' }
  }
  const { bits, wordCount } = estimateBits(chars, words)
  if (bits < MIN_SECRET_BITS) {
    return {
      ok: false,
      reason:
        wordCount >= 2
          ? 'it is built from common words and digits'
          : `its estimated entropy is below ${MIN_SECRET_BITS} bits`,
    }
  }
  return { ok: true }
}

/** The shortest p such that the text is a repetition of its first p characters. */
function smallestPeriod(chars: string[]): number {
  for (let p = 1; p <= chars.length / 2; p++) {
    let periodic = true
    for (let i = p; i < chars.length && periodic; i++) periodic = chars[i] === chars[i - p]
    if (periodic) return p
  }
  return chars.length
}

/**
 * A conservative estimate in bits: dictionary words cost log2(dictionary size), digits
 * log2(10), straight digit runs almost nothing, one separator between words a few bits,
 * every other character log2 of the alphabet the secret draws from.
 */
export function estimateBits(
  chars: string[],
  words: ReadonlySet<string>,
): { bits: number; wordCount: number } {
  const perChar = Math.log2(alphabetSize(chars))
  const perWord = Math.log2(Math.max(2, words.size))
  const runs = chars.join('').match(/[a-zA-Z]+|[0-9]+|[^a-zA-Z0-9]+/g) ?? []
  let bits = 0
  let wordCount = 0
  for (const run of runs) {
    if (/^[a-zA-Z]/.test(run)) {
      const segmented = segmentWords(run.toLowerCase(), words, perWord, perChar)
      bits += segmented.bits
      wordCount += segmented.words
    } else if (/^[0-9]/.test(run)) {
      bits += isStraightRun(run) ? 4 + Math.log2(run.length) : run.length * Math.log2(10)
    } else {
      bits += run.length === 1 ? 3 : run.length * perChar
    }
  }
  return { bits, wordCount }
}

function alphabetSize(chars: string[]): number {
  let size = 0
  if (chars.some((c) => /[a-z]/.test(c))) size += 26
  if (chars.some((c) => /[A-Z]/.test(c))) size += 26
  if (chars.some((c) => /[0-9]/.test(c))) size += 10
  if (chars.some((c) => /[^a-zA-Z0-9]/.test(c))) size += 33
  return size
}

function isStraightRun(digits: string): boolean {
  if (digits.length < 3) return false
  const step = (digits.charCodeAt(1) - digits.charCodeAt(0) + 10) % 10
  if (step !== 1 && step !== 9) return false
  for (let i = 2; i < digits.length; i++) {
    if ((digits.charCodeAt(i) - digits.charCodeAt(i - 1) + 10) % 10 !== step) return false
  }
  return true
}

/** Cheapest split of a lower-case letter run into dictionary words and loose letters. */
function segmentWords(
  run: string,
  words: ReadonlySet<string>,
  perWord: number,
  perChar: number,
): { bits: number; words: number } {
  const best: { bits: number; words: number }[] = [{ bits: 0, words: 0 }]
  for (let end = 1; end <= run.length; end++) {
    const prev = best[end - 1] as { bits: number; words: number }
    let choice = { bits: prev.bits + perChar, words: prev.words }
    for (let start = Math.max(0, end - 20); start <= end - 3; start++) {
      const before = best[start] as { bits: number; words: number }
      if (before.bits + perWord < choice.bits && words.has(run.slice(start, end))) {
        choice = { bits: before.bits + perWord, words: before.words + 1 }
      }
    }
    best.push(choice)
  }
  return best[run.length] as { bits: number; words: number }
}
