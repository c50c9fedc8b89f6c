import { unixSeconds, type Clock } from '../clock.js'
import { loadOTP } from '../lazy.js'

/** RFC 6238 with the authenticator-app defaults: SHA-1, 6 digits, 30 s. */
export const TOTP_PERIOD_SECONDS = 30

export type TOTP = ReturnType<typeof createTOTP>

/** otplib bound to the injected clock (its `epoch` is in seconds). */
export function createTOTP(deps: { clock: Clock }) {
  const epoch = () => unixSeconds(deps.clock)
  return {
    newSecret: async () => (await loadOTP()).generateSecret({ length: 20 }),

    uri: async (secret: string, issuer: string, account: string) =>
      (await loadOTP()).generateURI({
        issuer,
        label: account,
        secret,
        algorithm: 'sha1',
        digits: 6,
        period: TOTP_PERIOD_SECONDS,
      }),

    generate: async (secret: string | Uint8Array, digits: 6 | 8 = 6) =>
      (await loadOTP()).generate({ secret, digits, period: TOTP_PERIOD_SECONDS, epoch: epoch() }),

    /**
     * Accepts the current step and one either side (clock drift), and only a step later than
     * `afterTimeStep`, so a code is good once (replay refused). Returns the step used.
     */
    async verify(
      secret: string | Uint8Array,
      code: string,
      afterTimeStep: number | null,
      digits: 6 | 8 = 6,
    ): Promise<number | null> {
      if (!new RegExp(`^\\d{${digits}}$`).test(code)) return null
      const { verify } = await loadOTP()
      const result = await verify({
        secret,
        token: code,
        digits,
        period: TOTP_PERIOD_SECONDS,
        epoch: epoch(),
        epochTolerance: TOTP_PERIOD_SECONDS,
        ...(afterTimeStep === null ? {} : { afterTimeStep }),
      })
      return result.valid && 'timeStep' in result ? result.timeStep : null
    },
  }
}
