import { randomBytes } from 'node:crypto'

/** A strong master secret, fresh per call, as an operator would make one. */
export const strongSecret = () => randomBytes(48).toString('base64')
