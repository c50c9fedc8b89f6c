import { Hono } from 'hono'
import { registerApp, removeApp, type AppAdminDeps } from '../../auth/app-admin.js'
import type { IDTokenAlg } from '../../auth/app-input.js'
import type { Groups } from '../../auth/groups.js'
import type { AppEnv } from '../env.js'
import { appView } from '../views.js'
import { adminAct, adminOnly, type UIActor } from './admin-area.js'
import { AppsPage } from './pages/apps.js'
import {
  formValue,
  pageBase,
  render,
  type UIContext,
  type UIMessage,
  type UIShell,
} from './ui-context.js'

export type UIAppsDeps = AppAdminDeps & { groups: Pick<Groups, 'list'> }

type AppsExtra = { created?: { name: string; clientSecret?: string }; message?: UIMessage }

/** Lines of a textarea, blank ones dropped. */
const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)

/** The admin's "Apps" page (API §11), on the same use cases as /v1/admin/apps and the CLI. */
export function uiAppsRoutes(deps: UIAppsDeps & UIShell): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.use('/apps', adminOnly)
  routes.use('/apps/*', adminOnly)

  const appsPage = (c: UIContext, extra: AppsExtra = {}) => (
    <AppsPage
      {...pageBase(deps, c)}
      apps={deps.apps.list().map(appView)}
      groups={deps.groups.list().map((g) => g.name)}
      created={extra.created ?? null}
      message={extra.message ?? null}
    />
  )
  const act = (c: UIContext, run: (actor: UIActor) => Promise<AppsExtra>) =>
    adminAct(c, '/ui/apps', (extra: AppsExtra) => appsPage(c, extra), run)

  routes.get('/apps', (c) => render(c, appsPage(c)))

  routes.post('/apps', (c) =>
    act(c, async (actor) => {
      const form = c.get('form')
      const settings = {
        redirectUris: lines(formValue(c, 'redirect_uris')),
        postLogoutRedirectUris: lines(formValue(c, 'post_logout_redirect_uris')),
        public: formValue(c, 'public') === 'on',
        pkce: formValue(c, 'pkce') === 'on',
        idTokenAlg: (formValue(c, 'id_token_alg') || 'RS256') as IDTokenAlg,
        domains: lines(formValue(c, 'domains')),
        groups: form?.getAll('group') ?? [],
        allowPin: formValue(c, 'allow_pin') === 'on',
        requireMfa: formValue(c, 'require_mfa') === 'on',
      }
      const { app, clientSecret } = await registerApp(deps, formValue(c, 'name'), settings, actor)
      return { created: { name: app.name, ...(clientSecret ? { clientSecret } : {}) } }
    }),
  )

  routes.post('/apps/:name/remove', (c) =>
    act(c, async (actor) => {
      removeApp(deps, c.req.param('name'), actor)
      return { message: { kind: 'info', text: `App ${c.req.param('name')} removed.` } }
    }),
  )

  return routes
}
