import type { IncomingMessage } from 'node:http'
import type { Services } from '../services.js'

/** Hono's typed context for this app. */
export interface AppEnv {
  Bindings: { incoming?: IncomingMessage }
  Variables: {
    requestId: string
    services: Services
  }
}
