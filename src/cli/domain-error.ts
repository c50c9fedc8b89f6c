import { AuthError } from '../errors.js'
import { CommandError } from './context.js'

/**
 * A refusal of the domain as one line: input it refuses (400) is a usage error (64, like a bad
 * option), anything else (unknown name, conflict) exits 1 (API §8).
 */
export function rethrowForCLI(error: unknown): never {
  if (error instanceof AuthError) {
    throw new CommandError(error.message, error.code === 'invalid_request' ? 64 : 1)
  }
  throw error
}
