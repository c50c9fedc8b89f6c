import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { packageRoot } from '../../src/package-root.js'
import { tempDir } from '../helpers/temp-dir.js'

/** A fenced block of the README's forward-auth section, by its language. */
export function readmeSnippet(language: 'caddyfile' | 'nginx'): string {
  const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Forward auth for apps without OpenID Connect'))
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(section)
  if (!match) throw new Error(`no ${language} snippet in the README's forward-auth section`)
  return match[1]!
}

/** The README's snippet for `host`, with the test's addresses in place of the examples. */
export function snippetFor(
  language: 'caddyfile' | 'nginx',
  host: string,
  ports: { service: number; upstream: number },
) {
  return readmeSnippet(language)
    .replaceAll('photos.home.example', host)
    .replaceAll('127.0.0.1:3100', `127.0.0.1:${ports.service}`)
    .replaceAll('127.0.0.1:8080', `127.0.0.1:${ports.upstream}`)
}

/** An app behind the proxy: answers every request with the headers it got, as JSON. */
export async function startEchoUpstream(): Promise<{ port: number; server: Server }> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    const seen = JSON.stringify({ url: request.url, headers: request.headers })
    response.end(`<!DOCTYPE html><title>echo</title><pre id="seen">${escape(seen)}</pre>`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return { port: typeof address === 'object' && address ? address.port : 0, server }
}
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;')

export interface Proxy {
  name: 'caddy' | 'nginx'
  child: ChildProcess
  output(): string
  stop(): Promise<void>
}

/**
 * Debian's Caddy or nginx on 127.0.0.1:`port`, serving `hosts` with the README's snippet,
 * config and state in a temp dir. Resolves once the port accepts connections.
 */
export async function startProxy(
  name: 'caddy' | 'nginx',
  options: { port: number; hosts: string[]; service: number; upstream: number },
): Promise<Proxy> {
  const dir = tempDir()
  const ports = { service: options.service, upstream: options.upstream }
  let command: string
  let args: string[]
  if (name === 'caddy') {
    const sites = options.hosts.map((host) =>
      snippetFor('caddyfile', host, ports)
        // Plain http on the test's port, on loopback only.
        .replace(host, `http://${host}:${options.port}`)
        .replace('{\n', '{\n\tbind 127.0.0.1\n'),
    )
    const file = join(dir, 'Caddyfile')
    writeFileSync(file, `{\n\tadmin off\n\tauto_https off\n}\n${sites.join('\n')}`)
    command = 'caddy'
    args = ['run', '--config', file, '--adapter', 'caddyfile']
  } else {
    const servers = options.hosts.map((host) =>
      snippetFor('nginx', host, ports)
        .replace('listen 443 ssl;', `listen 127.0.0.1:${options.port};`)
        .replace(/^\s*# ssl_certificate.*$/m, ''),
    )
    for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub))
    const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
      .map(
        (kind, i) =>
          `${kind}_temp_path ${join(dir, ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'][i]!)};`,
      )
      .join('\n  ')
    const file = join(dir, 'nginx.conf')
    writeFileSync(
      file,
      `daemon off;\nworker_processes 1;\npid ${join(dir, 'nginx.pid')};\n` +
        `error_log ${join(dir, 'error.log')} warn;\nevents {}\n` +
        `http {\n  access_log off;\n  ${temps}\n${servers.join('\n')}\n}\n`,
    )
    command = 'nginx'
    args = ['-c', file, '-p', dir, '-e', join(dir, 'error.log')]
  }
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await waitForPort(
    options.port,
    () => child.exitCode !== null,
    () => output,
  )
  return {
    name,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

async function waitForPort(port: number, gone: () => boolean, output: () => string) {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (gone()) throw new Error(`the proxy exited:\n${output()}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => (socket.destroy(), resolve(true)))
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the proxy never listened on ${port}:\n${output()}`)
}
