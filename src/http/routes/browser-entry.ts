import { Hono } from 'hono'
import type { AppEnv } from '../env.js'

// A 32×32 icon (PNG inside an ICO container), so a browser's automatic request finds one
// instead of logging a 404 on every page.
const FAVICON = Buffer.from(
  'AAABAAEAICAAAAEAIAB8AAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAgAAAAIAgGAAAAc3p69AAAAENJREFUeNpjYBgFUKCa/Po/PfGoA0YdMHQcgA4IGUys+lEHjDpg6DqAVDDqgOHngNFcMOqAkeeA0RbRqANGjgNGLAAAgU5z2eR4keEAAAAASUVORK5CYII=',
  'base64',
)

export function browserEntryRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.get('/favicon.ico', (c) => {
    c.header('Content-Type', 'image/x-icon')
    c.header('Cache-Control', 'public, max-age=86400')
    return c.body(FAVICON)
  })
  // A person who opens the service's address in a browser finds the web UI (API §2).
  routes.get('/', (c, next) =>
    /text\/html/i.test(c.req.header('accept') ?? '') ? c.redirect('/ui', 302) : next(),
  )
  return routes
}
