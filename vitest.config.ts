import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one worker; most files wait on sockets, processes and
    // fsync rather than the CPU, so two run side by side in about 60 % of the time.
    maxWorkers: 2,
  },
})
