import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/temp-dir.js'

export const APACHE = '/usr/sbin/apache2'
const MODULES = '/usr/lib/apache2/modules'

/**
 * Debian's Apache with libapache2-mod-auth-openidc, on loopback with its own configuration in
 * a temporary directory: /protected/ is reachable only with `Require claim groups:<group>`.
 */
export async function startApache(options: {
  port: number
  issuer: string
  clientId: string
  clientSecret: string
  group: string
}) {
  const dir = tempDir()
  const www = join(dir, 'www', 'protected')
  mkdirSync(www, { recursive: true })
  writeFileSync(
    join(www, 'index.html'),
    '<!DOCTYPE html><title>Family page</title><h1>Family only</h1>',
  )
  const base = `http://localhost:${options.port}`
  const config = `
ServerRoot ${dir}
ServerName localhost
Listen 127.0.0.1:${options.port}
PidFile ${dir}/httpd.pid
ErrorLog ${dir}/error.log
LogLevel warn auth_openidc:info
LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule authn_core_module ${MODULES}/mod_authn_core.so
LoadModule mime_module ${MODULES}/mod_mime.so
LoadModule auth_openidc_module ${MODULES}/mod_auth_openidc.so
TypesConfig /etc/mime.types
DocumentRoot ${dir}/www
OIDCProviderMetadataURL ${options.issuer}/.well-known/openid-configuration
OIDCClientID ${options.clientId}
OIDCClientSecret ${options.clientSecret}
OIDCRedirectURI ${base}/protected/redirect_uri
OIDCCryptoPassphrase ${Math.random().toString(36).slice(2)}${Date.now()}
OIDCScope "openid profile groups"
OIDCPKCEMethod S256
OIDCRemoteUserClaim preferred_username
<Location /protected/>
  AuthType openid-connect
  Require claim groups:${options.group}
</Location>
`
  const file = join(dir, 'httpd.conf')
  writeFileSync(file, config)
  const child: ChildProcess = spawn(APACHE, ['-f', file, '-DFOREGROUND'], { stdio: 'ignore' })
  // Ready when it answers (a deadline bounds the wait, no fixed sleep).
  const deadline = Date.now() + 15_000
  for (;;) {
    try {
      await fetch(`${base}/`, { redirect: 'manual' })
      break
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`apache did not start:\n${readErrors(dir)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return {
    base,
    errors: () => readErrors(dir),
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}

function readErrors(dir: string) {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8')
  } catch {
    return ''
  }
}
