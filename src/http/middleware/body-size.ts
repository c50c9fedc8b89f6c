import { MAX_BODY_BYTES } from '../body.js'

/** A declared oversized body is refused before anything reads it; `readJSON` counts the rest. */
export const isDeclaredTooLarge = (contentLength: string | undefined): boolean =>
  contentLength !== undefined && Number(contentLength) > MAX_BODY_BYTES
