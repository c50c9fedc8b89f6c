// The image's HEALTHCHECK: asks /readyz on the loopback, with no curl or wget in the image.
// Exit 0 when ready, 1 otherwise. A process entry of its own, so it reads process.env.
const port = process.env.AUTH_PORT ?? process.env.PORT ?? '3100'
try {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, {
    signal: AbortSignal.timeout(3000),
  })
  process.exitCode = response.status === 200 ? 0 : 1
} catch {
  process.exitCode = 1
}
