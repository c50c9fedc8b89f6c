import { readinessURL } from './healthcheck-address.js'

// The image's HEALTHCHECK: asks /readyz where the service listens, with no curl or wget in the
// image. Exit 0 when ready, 1 otherwise. A process entry of its own, so it reads process.env.
try {
  const response = await fetch(readinessURL(process.env), { signal: AbortSignal.timeout(3000) })
  process.exitCode = response.status === 200 ? 0 : 1
} catch {
  process.exitCode = 1
}
