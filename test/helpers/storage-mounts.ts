import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'

/**
 * Real file-system faults for process tests: a small tmpfs fills up with a true ENOSPC, and
 * an ext4 loop device mounted `errors=remount-ro` turns read-only while files are open, the
 * way a failing disk does (a plain `mount -o remount,ro` is refused while a file is open for
 * writing, and root ignores file modes). Both need root and mount(8); tests skip otherwise.
 */
export interface Mount {
  path: string
  unmount(): void
}

export interface TmpfsMount extends Mount {
  /** Allowed only while no file on it is open for writing (stop the server first). */
  remountReadOnly(): void
}

let available: boolean | undefined

export function mountsAvailable(): boolean {
  if (available !== undefined) return available
  available = false
  if (process.getuid?.() !== 0) return available
  const probe = mkdtempSync(join(tmpdir(), 'hma-mount-probe-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' })
    execFileSync('umount', [probe], { stdio: 'ignore' })
    available = true
  } catch {
    // no mount in this sandbox: the tests that need one are skipped
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
  return available
}

export function ext4Available(): boolean {
  return mountsAvailable() && existsSync('/sys/fs/ext4') && hasCommand('mkfs.ext4')
}

/** A tmpfs of `sizeKiB`: fills up with a real ENOSPC. */
export function mountTmpfs(sizeKiB: number): TmpfsMount {
  const path = mkdtempSync(join(tmpdir(), 'hma-tmpfs-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', path])
  return {
    path,
    remountReadOnly: () => execFileSync('mount', ['-o', 'remount,ro', path]),
    unmount: () => unmountAndRemove(path),
  }
}

/** Fills a file system to the last byte with `filler`; returns its path (delete to free). */
export function fillUp(dir: string): string {
  const filler = join(dir, 'filler')
  const chunk = Buffer.alloc(64 * 1024)
  // Bounded: a tmpfs of a few MiB takes a few dozen chunks; ENOSPC ends it.
  for (let i = 0; i < 100_000; i++) {
    try {
      writeFileSync(filler, chunk, { flag: 'a' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break
      throw error
    }
  }
  try {
    writeFileSync(filler, Buffer.alloc(1), { flag: 'a' })
  } catch {
    // the last partial block is taken too
  }
  return filler
}

export interface Ext4Mount extends Mount {
  /** What ext4 does on a disk error with errors=remount-ro: read-only from now on. */
  turnReadOnly(): void
}

export function mountExt4(sizeMiB: number): Ext4Mount {
  const work = mkdtempSync(join(tmpdir(), 'hma-ext4-'))
  const image = join(work, 'disk.img')
  const path = join(work, 'mnt')
  execFileSync('truncate', ['-s', `${sizeMiB}M`, image])
  execFileSync('mkfs.ext4', ['-q', '-F', image])
  mkdirSync(path, { mode: 0o700 })
  execFileSync('mount', ['-o', 'loop,errors=remount-ro', image, path])
  const device = basename(execFileSync('findmnt', ['-n', '-o', 'SOURCE', path]).toString().trim())
  return {
    path,
    turnReadOnly: () => writeFileSync(`/sys/fs/ext4/${device}/trigger_fs_error`, '1'),
    unmount: () => {
      unmountAndRemove(path) // the loop device goes with the mount (mount -o loop)
      rmSync(work, { recursive: true, force: true })
    },
  }
}

function unmountAndRemove(path: string): void {
  try {
    execFileSync('umount', [path], { stdio: 'ignore' })
  } catch {
    execFileSync('umount', ['-l', path], { stdio: 'ignore' }) // busy: detach lazily
  }
  rmSync(path, { recursive: true, force: true })
}

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
