import { parse } from 'yaml'

interface Instruction {
  keyword: string
  args: string
}

/** Dockerfile instructions, continuation lines joined, comments dropped. */
export function dockerInstructions(text: string): Instruction[] {
  const joined = text.replace(/\\\r?\n/g, ' ')
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/)
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') }
    })
}

/** What the old Hail Mary images got wrong, as a list of problems (empty = fine). */
export function dockerfileProblems(text: string): string[] {
  const problems: string[] = []
  const all = dockerInstructions(text)
  const stageStarts = all.map((ins, i) => (ins.keyword === 'FROM' ? i : -1)).filter((i) => i >= 0)
  if (stageStarts.length < 2) problems.push('not multi-stage')
  const runtime = all.slice(stageStarts.at(-1) ?? 0)
  const runtimeFrom = runtime[0]?.args ?? ''
  if (!/slim|alpine|distroless/.test(runtimeFrom)) problems.push('runtime image is not slim')
  if (/strict-ssl\s+false|NODE_TLS_REJECT_UNAUTHORIZED|--insecure|-k\s/i.test(text))
    problems.push('TLS verification turned off')
  const runtimeRuns = runtime.filter((i) => i.keyword === 'RUN').map((i) => i.args)
  if (runtimeRuns.some((r) => /npm (ci|install)/.test(r) && !/--omit=dev|--production/.test(r))) {
    problems.push('dev dependencies installed in the runtime stage')
  }
  if (runtimeRuns.some((r) => /node-gyp|g\+\+|make /.test(r)))
    problems.push('toolchain in the runtime stage')
  if (!runtime.some((i) => i.keyword === 'COPY' && /--from=/.test(i.args)))
    problems.push('runtime does not copy from the build stage')
  const users = runtime.filter((i) => i.keyword === 'USER').map((i) => i.args)
  if (users.length === 0 || /^(root|0)(:|$)/.test(users.at(-1)!)) problems.push('runs as root')
  const healthcheck = runtime.find((i) => i.keyword === 'HEALTHCHECK')
  if (!healthcheck) problems.push('no HEALTHCHECK')
  else if (/curl|wget/.test(healthcheck.args)) problems.push('HEALTHCHECK needs curl/wget')
  if (!runtime.some((i) => i.keyword === 'VOLUME' && i.args.includes('/data')))
    problems.push('no /data volume')
  if (!runtime.some((i) => i.keyword === 'ENV' && /AUTH_HOST=0\.0\.0\.0/.test(i.args)))
    problems.push('does not listen on 0.0.0.0')
  if (!runtime.some((i) => i.keyword === 'EXPOSE' && /\b3100\b/.test(i.args)))
    problems.push('does not expose 3100')
  const entry = [...runtime]
    .reverse()
    .find((i) => i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD')
  if (
    !runtime.some(
      (i) => (i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD') && i.args.startsWith('['),
    )
  ) {
    problems.push('shell-form entry point (signals do not reach node)')
  }
  if (entry && /npm (start|run)/.test(entry.args)) problems.push('npm as PID 1')
  if (!runtime.some((i) => i.keyword === 'ENTRYPOINT' && /tini|dumb-init/.test(i.args)))
    problems.push('no init as PID 1')
  if (
    all.some((i) => (i.keyword === 'ENV' || i.keyword === 'ARG') && /SECRET|PASSWORD/i.test(i.args))
  ) {
    problems.push('a secret baked into a layer')
  }
  return problems
}

type Service = {
  healthcheck?: { test?: unknown; start_period?: string }
  depends_on?: Record<string, { condition?: string }> | string[]
  environment?: Record<string, string> | string[]
  secrets?: string[]
  volumes?: string[]
}

/** What the old compose files got wrong. */
export function composeProblems(text: string): string[] {
  const problems: string[] = []
  const doc = parse(text) as {
    services?: Record<string, Service>
    volumes?: Record<string, unknown>
    secrets?: Record<string, unknown>
  }
  const auth = doc.services?.auth
  const api = doc.services?.api
  if (!auth || !api) return ['needs an auth and an api service']
  const env = (s: Service) =>
    Array.isArray(s.environment)
      ? Object.fromEntries(s.environment.map((e) => e.split('=') as [string, string]))
      : (s.environment ?? {})
  if (!auth.healthcheck) problems.push('auth has no healthcheck')
  else {
    if (!auth.healthcheck.start_period) problems.push('auth healthcheck has no start_period')
    if (/curl|wget/.test(JSON.stringify(auth.healthcheck.test)))
      problems.push('auth healthcheck needs curl/wget')
  }
  const dependsOn = api.depends_on
  if (Array.isArray(dependsOn) || dependsOn?.auth?.condition !== 'service_healthy') {
    problems.push('api does not wait for a healthy auth')
  }
  const authEnv = env(auth)
  if (Object.keys(authEnv).some((k) => /^(AUTH_SECRET|JWT_SECRET)$/.test(k)))
    problems.push('secret inline in the compose file')
  if (!authEnv.AUTH_SECRET_FILE?.startsWith('/run/secrets/'))
    problems.push('secret not from a Docker secret')
  if (!auth.secrets?.length || !doc.secrets) problems.push('no Docker secret declared')
  const dataVolume = auth.volumes?.find((v) => v.endsWith(':/data'))
  if (
    !dataVolume ||
    dataVolume.startsWith('/') ||
    dataVolume.startsWith('.') ||
    !(dataVolume.split(':')[0]! in (doc.volumes ?? {}))
  ) {
    problems.push('no named volume for /data')
  }
  const apiEnv = env(api)
  if (!/\/\.well-known\/jwks\.json$/.test(apiEnv.AUTH_JWKS_URL ?? ''))
    problems.push('api lacks the JWKS URL')
  if (!apiEnv.AUTH_ISSUER || apiEnv.AUTH_ISSUER !== authEnv.AUTH_ISSUER)
    problems.push('api issuer differs from auth')
  if (!apiEnv.AUTH_AUDIENCE) problems.push('api lacks the audience')
  if (!/#\s*AUTH_QUICK_LOGIN_NETWORKS:\s*192\.168\.0\.0\/16/.test(text))
    problems.push('quick-login networks not shown')
  if (!/#\s*AUTH_TRUST_PROXY:/.test(text)) problems.push('trusted proxy not shown')
  return problems
}

/** What issue 18 found running the image on a NAS: restart loops, a fat runtime layer. */
export function nasDockerfileProblems(text: string): string[] {
  const problems: string[] = []
  const all = dockerInstructions(text)
  const stageStarts = all.map((ins, i) => (ins.keyword === 'FROM' ? i : -1)).filter((i) => i >= 0)
  const build = all.slice(stageStarts[0] ?? 0, stageStarts.at(-1))
  const runtime = all.slice(stageStarts.at(-1) ?? 0)
  const nodeVersion = all.find((i) => i.keyword === 'ARG' && /^NODE_VERSION=/.test(i.args))
  const froms = all.filter((i) => i.keyword === 'FROM').map((i) => i.args)
  const onNode24 = (from: string) =>
    /^node:24[.-]/.test(from) ||
    (/\$\{NODE_VERSION\}/.test(from) && nodeVersion?.args === 'NODE_VERSION=24')
  if (!froms.every(onNode24)) problems.push('not on Node 24 LTS')
  const buildEnv = build.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
  if (!buildEnv.some((i) => /npm_config_nodedir=\/usr\/local\b/.test(i.args)))
    problems.push('build downloads Node headers')
  const buildRuns = build.filter((i) => i.keyword === 'RUN').map((i) => i.args)
  const prune = buildRuns.find((r) => /better-sqlite3/.test(r)) ?? ''
  if (
    !/rm -rf build deps src/.test(prune) ||
    !/build\/Release\/better_sqlite3\.node\s*(&&|$)/.test(prune)
  )
    problems.push('better-sqlite3 compile leftovers in the runtime')
  if (!buildRuns.some((r) => /rm -rf \S*node_modules\/@types\b/.test(r)))
    problems.push('@types packages in the runtime')
  if (!runtime.some((i) => i.keyword === 'ENV' && /AUTH_ON_CONFIG_ERROR=wait\b/.test(i.args)))
    problems.push('a configuration error restart-loops')
  return problems
}

/** The compose example as a NAS owner copies it. */
export function nasComposeProblems(text: string): string[] {
  const problems: string[] = []
  const proxy = /#\s*AUTH_TRUST_PROXY:\s*(\S+)/.exec(text)?.[1] ?? ''
  if (!proxy.split(',').every((cidr) => /\/(32|128)$/.test(cidr)))
    problems.push('trusted proxy is a range, not the proxy')
  if (!/docker network inspect/.test(text) || !/ipv4_address:/.test(text))
    problems.push('no way shown to find or pin the proxy address')
  if (/chmod 600 secrets\//.test(text) || !/chown 1000:1000 secrets\/auth_secret\.txt/.test(text))
    problems.push('secret file unreadable to uid 1000')
  if (!/chmod 400 secrets\/auth_secret\.txt/.test(text)) problems.push('secret file not mode 400')
  return problems
}

/** The README's NAS instructions beyond the commands themselves. */
export function nasReadmeProblems(text: string): string[] {
  const problems: string[] = []
  if (/chmod 600 secrets\//.test(text) || !/chown 1000:1000 secrets\/auth_secret\.txt/.test(text))
    problems.push('secret file unreadable to uid 1000')
  if (
    ![/root\s+on\s+Unraid/, /uid\s+1026\s+on\s+Synology/, /uid\s+1000/].every((r) => r.test(text))
  )
    problems.push('secret set-up does not say why (Synology, Unraid, uid 1000)')
  if (!/podman build --format docker/.test(text)) problems.push('no Podman note')
  if (!/AUTH_ON_CONFIG_ERROR=wait/.test(text)) problems.push('restart loop not explained')
  if (/node:20-bookworm/.test(text) || !/node:24-bookworm-slim/.test(text))
    problems.push('names the wrong base image')
  if (!/docker network inspect/.test(text) || !/the proxy's own address/.test(text))
    problems.push('trusted proxy not narrowed to the proxy')
  // Rootless Podman maps the host user to the container's root: a host `chown 1000` leaves the
  // secret root's inside, and only `podman unshare chown` reaches the container's uid 1000.
  if (!/podman unshare chown 1000:1000 secrets\/auth_secret\.txt/.test(text))
    problems.push('rootless Podman secret owner not explained')
  // A backup written into the named volume is lost with it: it has to leave the container.
  if (!/docker compose cp auth:\/data\/auth-backup\.db/.test(text))
    problems.push('backup not copied out of the volume')
  return problems
}
