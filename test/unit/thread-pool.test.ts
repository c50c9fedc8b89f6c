import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { OTHER_POOL_USERS, poolSizeToRelaunchWith } from '../../src/thread-pool.js'

describe('sizing the libuv pool for AUTH_HASH_CONCURRENCY (API §1)', () => {
  it('relaunches with the hashes plus the other pool users when libuv’s 4 threads are too few', () => {
    expect(poolSizeToRelaunchWith({ AUTH_HASH_CONCURRENCY: '4' })).toBe(4 + OTHER_POOL_USERS)
    expect(poolSizeToRelaunchWith({ AUTH_HASH_CONCURRENCY: '16' })).toBe(16 + OTHER_POOL_USERS)
  })

  it('does not relaunch when the default pool holds them (a 2-core NAS)', () => {
    expect(poolSizeToRelaunchWith({ AUTH_HASH_CONCURRENCY: '2' })).toBeNull()
    expect(poolSizeToRelaunchWith({ AUTH_HASH_CONCURRENCY: '1' })).toBeNull()
  })

  it('leaves an operator’s UV_THREADPOOL_SIZE alone, and so never relaunches twice', () => {
    expect(
      poolSizeToRelaunchWith({ AUTH_HASH_CONCURRENCY: '8', UV_THREADPOOL_SIZE: '3' }),
    ).toBeNull()
  })

  it('defaults to the CPU count like config.ts, also for a value config.ts will refuse', () => {
    const expected = availableParallelism() + OTHER_POOL_USERS
    const want = expected > 4 ? expected : null
    expect(poolSizeToRelaunchWith({})).toBe(want)
    expect(poolSizeToRelaunchWith({ AUTH_HASH_CONCURRENCY: 'many' })).toBe(want)
  })
})
