import { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import type { z } from 'zod'
import { invalidRequest, payloadTooLarge, unsupportedMediaType } from '../errors.js'
import type { AppEnv } from './env.js'

export const MAX_BODY_BYTES = 16 * 1024

/**
 * Reads a JSON body whatever the headers claim: the stream itself is counted, so a missing
 * or lying Content-Length cannot smuggle more than 16 KiB past the limit.
 */
export async function readJSON(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\s*(;|$)/i.test(type)) throw unsupportedMediaType()
  const text = await readText(c)
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw invalidRequest('The request body is not valid JSON.')
  }
}

/** A web form (`application/x-www-form-urlencoded`), read under the same 16 KiB cap. */
export async function readForm(c: Context): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) throw unsupportedMediaType()
  return new URLSearchParams(await readText(c))
}

/** The body as UTF-8 text, counted from the stream itself. */
async function readText(c: Context): Promise<string> {
  const { incoming, outgoing } = (c as Context<AppEnv>).env ?? {}
  const bytes =
    incoming instanceof IncomingMessage
      ? await readIncoming(incoming, () => outgoing?.setHeader('Connection', 'close'))
      : await readWebStream(c.req.raw.body)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw invalidRequest('The request body is not valid UTF-8.')
  }
}

/**
 * On a socket, Node's request stream itself: @hono/node-server would first build a fetch
 * Request and a web stream around it, ~0.5 ms of a sign-in (bench/README.md). Past the cap the
 * rest is discarded unread and the connection closes after the 413.
 *
 * A request whose client went away before its body was whole (the connection closed while a
 * route was still awaiting, e.g. the bearer check) is destroyed already and emits nothing
 * more: it is refused at once, as is one destroyed while it is read ('close' before 'end').
 */
function readIncoming(incoming: IncomingMessage, closeAfter: () => void): Promise<Buffer> {
  if (incoming.readableEnded) return Promise.resolve(Buffer.alloc(0))
  if (incoming.destroyed) return Promise.reject(cutOff())
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = () => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk)
      stop()
      closeAfter()
      incoming.resume()
      reject(payloadTooLarge())
    }
    const onEnd = () => {
      stop()
      resolve(Buffer.concat(chunks, size))
    }
    const onError = () => {
      stop()
      reject(cutOff())
    }
    const onClose = () => {
      stop()
      reject(cutOff())
    }
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose)
  })
}

const cutOff = () => invalidRequest('The request body was cut off before its end.')

async function readWebStream(stream: ReadableStream<Uint8Array> | null): Promise<Buffer> {
  if (!stream) throw invalidRequest('The request body is empty.')
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined)
      throw payloadTooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

/** Reads and validates a JSON body; a 400 names the first field at fault. */
export async function parseBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  return validate(schema, await readJSON(c))
}

/**
 * A body that may be left out: no body at all reads as `{}` (routes such as
 * `POST /v1/me/totp/setup` need none, but take an optional `current_password`).
 */
export async function parseOptionalBody<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<z.infer<T>> {
  const empty =
    c.req.header('content-type') === undefined &&
    (c.req.header('content-length') ?? '0') === '0' &&
    c.req.header('transfer-encoding') === undefined
  return empty ? validate(schema, {}) : parseBody(c, schema)
}

/** Validates input (a JSON body, form fields) against a schema; a 400 names the field. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'body'
  throw invalidRequest(`${field}: ${issue?.message ?? 'is not valid'}`, field)
}
