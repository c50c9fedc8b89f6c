/**
 * The shell commands a README shows, read the way a person copies them: fenced `sh`/`bash`
 * blocks line by line, and inline code spans that start with a command this project documents.
 */
export function shellCommands(markdown: string): string[] {
  const commands: string[] = []
  const fenced = /^[ \t]*```([\w-]*)[ \t]*\n([\s\S]*?)^[ \t]*```[ \t]*$/gm
  for (const match of markdown.matchAll(fenced)) {
    const language = match[1]!
    const looksLikeShell = /^\s*(npm|docker|podman|hail-mary-auth)\b/m.test(match[2]!)
    if (!['sh', 'bash', 'shell'].includes(language) && !(language === '' && looksLikeShell))
      continue
    for (const line of match[2]!.split('\n')) {
      const command = line.replace(/\s#.*$/, '').trim()
      if (command && !command.startsWith('#')) commands.push(command)
    }
  }
  const outsideFences = markdown.replace(fenced, '')
  for (const match of outsideFences.matchAll(/`([^`\n]+)`/g)) {
    const span = match[1]!.trim()
    if (/^(npm|docker|podman|hail-mary-auth|echo|printf)\s/.test(span)) commands.push(span)
  }
  return commands
}

/** A template (`<file>`, `[--role …]`, `…`) shows a shape, not a command to run. */
export const isTemplate = (command: string) => /<[a-z][^>]*>|\[|…|\.\.\./i.test(command)

/** One pipeline's simple commands, words split on blanks (quotes kept as they are). */
function pipelines(command: string): string[][][] {
  return command
    .split(/&&|;/)
    .map((part) => part.split(/\|/).map((step) => step.trim().split(/\s+/).filter(Boolean)))
}

export interface ProjectFacts {
  scripts: string[]
  composeServices: string[]
}

/** What would not run as written: unknown npm scripts and services, `exec` without `-T`. */
export function commandProblems(commands: string[], facts: ProjectFacts): string[] {
  const problems: string[] = []
  for (const command of commands.filter((c) => !isTemplate(c))) {
    for (const pipeline of pipelines(command)) {
      pipeline.forEach((words, index) => {
        const fedByStdin = index > 0 || words.includes('<')
        if (words[0] === 'npm' && words[1] === 'run' && !facts.scripts.includes(words[2] ?? '')) {
          problems.push(`no npm script "${words[2]}": ${command}`)
        }
        if (words[0] === 'npm' && ['start', 'test'].includes(words[1]!)) {
          if (!facts.scripts.includes(words[1]!)) problems.push(`no npm script: ${command}`)
        }
        const exec = execOf(words)
        if (!exec) return
        if (!facts.composeServices.includes(exec.service)) {
          problems.push(`no compose service "${exec.service}": ${command}`)
        }
        const wantsStdin = fedByStdin || words.includes('--password-stdin')
        if (wantsStdin && !exec.noTTY) problems.push(`exec fed by stdin needs -T: ${command}`)
      })
    }
  }
  return problems
}

/** `docker compose exec [options] <service> …` → the service and whether -T is given. */
function execOf(words: string[]): { service: string; noTTY: boolean } | null {
  const start =
    words[0] === 'docker' && words[1] === 'compose' ? 2 : words[0] === 'docker-compose' ? 1 : -1
  if (start < 0 || words[start] !== 'exec') return null
  let i = start + 1
  let noTTY = false
  for (; i < words.length && words[i]!.startsWith('-'); i++) {
    if (words[i] === '-T' || words[i] === '--no-TTY' || /^-[a-zA-Z]*T/.test(words[i]!)) noTTY = true
    if (['-u', '--user', '-w', '--workdir', '-e', '--env', '--index'].includes(words[i]!)) i++
  }
  return { service: words[i] ?? '', noTTY }
}

/** The arguments each command gives this project's CLI, however it is reached. */
export function cliArguments(commands: string[]): string[][] {
  const found: string[][] = []
  for (const command of commands.filter((c) => !isTemplate(c))) {
    for (const pipeline of pipelines(command)) {
      for (const words of pipeline) {
        const args = cliArgsOf(words)
        if (args) found.push(args)
      }
    }
  }
  return found
}

function cliArgsOf(words: string[]): string[] | null {
  const upTo = (list: string[]) => {
    const end = list.findIndex((w) => ['>', '<', '2>', '>>'].includes(w))
    return end < 0 ? list : list.slice(0, end)
  }
  if (words[0] === 'hail-mary-auth') return upTo(words.slice(1))
  const cli = words.indexOf('--', 0)
  if (words[0] === 'npm' && words[1] === 'run' && words[2] === 'cli' && cli === 3) {
    return upTo(words.slice(4))
  }
  const script = words.indexOf('dist/server/cli.js')
  if (script > 0 && words[script - 1] === 'node') return upTo(words.slice(script + 1))
  if (words[0] === 'docker' && words[1] === 'run') {
    const image = words.indexOf('hail-mary-auth')
    if (image > 1) return upTo(words.slice(image + 1))
  }
  return null
}
