import type { AMR } from './access-tokens.js'

/**
 * A PIN alone is enough to look, not to change anything (API §5). The one rule every door
 * (bearer routes, web UI) asks; `amr` is a set, so its order carries no meaning.
 */
export const isPinOnly = (amr: readonly string[]): boolean =>
  amr.length > 0 && amr.every((method) => method === 'pin')

export const parseAMR = (stored: string): AMR[] => JSON.parse(stored) as AMR[]
