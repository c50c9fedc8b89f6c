import type { RunningProcess } from './process.js'

/** Resolves once the process has printed `text` (plain lines, not JSON logs); rejects on exit. */
export function waitForOutput(running: RunningProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!running.output().includes(text)) return
      running.child.stdout!.off('data', check)
      running.child.stderr!.off('data', check)
      resolve()
    }
    running.child.stdout!.on('data', check)
    running.child.stderr!.on('data', check)
    // The helper's own listener runs first, so output() already holds the chunk just seen.
    check()
    void running.exited.then(() =>
      reject(new Error(`process exited before "${text}":\n${running.output()}`)),
    )
  })
}
