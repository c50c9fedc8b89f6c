import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../src/package-root.js'
import { parse } from 'yaml'
import {
  composeProblems,
  dockerfileProblems,
  dockerInstructions,
  nasComposeProblems,
  nasDockerfileProblems,
  nasReadmeProblems,
} from '../helpers/deployment-rules.js'
import { cliArguments, commandProblems, shellCommands } from '../helpers/readme-commands.js'

// No Docker engine runs here, so the image and compose file are checked by reading them.
const read = (path: string) => readFileSync(join(packageRoot(), path), 'utf8')

describe('Dockerfile', () => {
  it('has none of the old problems', () => {
    expect(dockerfileProblems(read('Dockerfile'))).toEqual([])
  })

  it('would catch every old pattern', () => {
    expect(dockerfileProblems(read('test/fixtures/old/Dockerfile'))).toEqual([
      'not multi-stage',
      'runtime image is not slim',
      'TLS verification turned off',
      'dev dependencies installed in the runtime stage',
      'runtime does not copy from the build stage',
      'runs as root',
      'no HEALTHCHECK',
      'no /data volume',
      'does not listen on 0.0.0.0',
      'does not expose 3100',
      'shell-form entry point (signals do not reach node)',
      'npm as PID 1',
      'no init as PID 1',
      'a secret baked into a layer',
    ])
  })

  it('copies what the runtime needs: the build, production modules, migrations, the healthcheck', () => {
    const copies = dockerInstructions(read('Dockerfile'))
      .filter((i) => i.keyword === 'COPY')
      .map((i) => i.args)
    expect(copies).toContain('--from=build /app/node_modules ./node_modules')
    // the bundle (build/bundle.mjs): server, CLI and healthcheck; dist/src is not shipped
    expect(copies).toContain('--from=build /app/dist/server ./dist/server')
    expect(copies).not.toContain('--from=build /app/dist/src ./dist/src')
    expect(copies).toContain('--from=build /app/dist/ui ./dist/ui') // the web UI's script and styles
    expect(copies).toContain('migrations ./migrations')
    expect(existsSync(join(packageRoot(), 'src/healthcheck.ts'))).toBe(true)
    expect(read('Dockerfile')).toContain('npm prune --omit=dev')
  })

  it('runs the bundle (build/bundle.mjs) as npm start and bin do: entry point and healthcheck', () => {
    const runtime = dockerInstructions(read('Dockerfile'))
    const args = (keyword: string) => runtime.filter((i) => i.keyword === keyword).at(-1)?.args
    expect(args('ENTRYPOINT')).toBe('["/usr/bin/tini", "--", "node", "dist/server/cli.js"]')
    expect(args('HEALTHCHECK')).toContain('CMD ["node", "dist/server/healthcheck.js"]')
    const manifest = JSON.parse(read('package.json')) as {
      scripts: Record<string, string>
      bin: Record<string, string>
    }
    expect(manifest.scripts.start).toMatch(/^GLIBC_TUNABLES=\S+ node dist\/server\/main\.js$/)
    expect(manifest.bin['hail-mary-auth']).toBe('dist/server/cli.js')
    expect(manifest.scripts.build).toContain('npm run build:server')
  })

  it('returns argon2 blocks to the kernel when freed (fixed mmap threshold), as npm start does', () => {
    const tunables = /GLIBC_TUNABLES=(\S+)/
    const image = tunables.exec(read('Dockerfile'))?.[1]
    expect(image).toMatch(/(^|:)glibc\.malloc\.mmap_threshold=4194304(:|$)/)
    expect(image).toMatch(/(^|:)glibc\.malloc\.hugetlb=1(:|$)/)
    const manifest = JSON.parse(read('package.json')) as { scripts: Record<string, string> }
    expect(tunables.exec(manifest.scripts.start ?? '')?.[1]).toBe(image)
  })

  it('keeps build context small and secret-free (.dockerignore)', () => {
    const ignored = read('.dockerignore').split('\n')
    for (const entry of ['node_modules', '.git', 'data', 'secrets', '.env'])
      expect(ignored).toContain(entry)
  })
})

describe('compose.example.yml', () => {
  it('has none of the old problems', () => {
    expect(composeProblems(read('compose.example.yml'))).toEqual([])
  })

  it('would catch every old pattern', () => {
    expect(composeProblems(read('test/fixtures/old/compose.yml'))).toEqual([
      'auth healthcheck has no start_period',
      'auth healthcheck needs curl/wget',
      'api does not wait for a healthy auth',
      'secret inline in the compose file',
      'secret not from a Docker secret',
      'no Docker secret declared',
      'no named volume for /data',
      'api lacks the JWKS URL',
      'api issuer differs from auth',
      'api lacks the audience',
      'quick-login networks not shown',
      'trusted proxy not shown',
    ])
  })
})

// Issue 18: the image as it really runs on a NAS. Each rule is shown to catch the files as they
// were before (test/fixtures/before-issue-18).
const before = (name: string) => read(`test/fixtures/before-issue-18/${name}`)

describe('Dockerfile on a NAS (issue 18)', () => {
  it('runs on Node 24 with the base image headers, a pruned runtime and config errors that wait', () => {
    expect(nasDockerfileProblems(read('Dockerfile'))).toEqual([])
  })

  it('would catch each problem of the image before', () => {
    expect(nasDockerfileProblems(before('Dockerfile'))).toEqual([
      'not on Node 24 LTS',
      'build downloads Node headers',
      'better-sqlite3 compile leftovers in the runtime',
      '@types packages in the runtime',
      'a configuration error restart-loops',
    ])
  })

  it('keeps engines >=20: the code still runs where development happens', () => {
    const pkg = JSON.parse(read('package.json')) as { engines: { node: string } }
    expect(pkg.engines.node).toBe('>=20')
  })
})

describe('compose.example.yml on a NAS (issue 18)', () => {
  it('trusts only the proxy and sets the secret up for uid 1000', () => {
    expect(nasComposeProblems(read('compose.example.yml'))).toEqual([])
  })

  it('would catch the range and the chmod 600 of before', () => {
    expect(nasComposeProblems(before('compose.yml'))).toEqual([
      'trusted proxy is a range, not the proxy',
      'no way shown to find or pin the proxy address',
      'secret file unreadable to uid 1000',
      'secret file not mode 400',
    ])
  })
})

describe('README commands', () => {
  const scripts = Object.keys(
    (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts,
  )
  const composeServices = Object.keys(
    (parse(read('compose.example.yml')) as { services: Record<string, unknown> }).services,
  )
  const readme = read('README.md')

  it('finds the commands a person copies, in blocks and inline', () => {
    const commands = shellCommands(readme)
    expect(commands).toContain('npm ci && npm start')
    expect(commands).toContain('sudo chmod 400 secrets/auth_secret.txt')
    expect(cliArguments(commands)).toEqual(
      expect.arrayContaining([
        ['gen-secret'],
        ['user', 'add', 'owner', '--role', 'admin', '--password-stdin'],
        ['backup', '/data/auth-backup.db'],
        ['check-config'],
      ]),
    )
  })

  it('names only npm scripts and compose services that exist, and exec with stdin uses -T', () => {
    expect(commandProblems(shellCommands(readme), { scripts, composeServices })).toEqual([])
  })

  it('would catch the exec without -T of before', () => {
    expect(
      commandProblems(shellCommands(before('README-nas.md')), { scripts, composeServices }),
    ).toEqual([
      'exec fed by stdin needs -T: docker compose exec auth node dist/src/cli/main.js user add owner --role admin --password-stdin',
    ])
  })

  it('would catch a script or service that does not exist', () => {
    const commands = [
      'npm run deploy',
      'docker compose exec -T authd node x',
      'echo x | docker compose exec auth sh',
    ]
    expect(commandProblems(commands, { scripts, composeServices })).toEqual([
      'no npm script "deploy": npm run deploy',
      'no compose service "authd": docker compose exec -T authd node x',
      'exec fed by stdin needs -T: echo x | docker compose exec auth sh',
    ])
  })

  it('explains the NAS set-up: secret owner and why, Podman, no restart loop, the proxy', () => {
    expect(nasReadmeProblems(readme)).toEqual([])
    expect(nasReadmeProblems(before('README-nas.md'))).toEqual([
      'secret file unreadable to uid 1000',
      'secret set-up does not say why (Synology, Unraid, uid 1000)',
      'no Podman note',
      'restart loop not explained',
      'names the wrong base image',
      'trusted proxy not narrowed to the proxy',
      'rootless Podman secret owner not explained',
      'backup not copied out of the volume',
    ])
  })
})
