import { coversEverything, formatCIDR, parseCIDR, rangesOverlap, type CIDR } from './cidr.js'

export interface NetworkList {
  networks: CIDR[]
  /** One line per bad entry, naming it; the caller adds the variable's name. */
  problems: string[]
}

/**
 * Reads a comma list of CIDR ranges (API §1). `refuseEverything` is set for the lists that
 * grant something (quick login, trusted proxies): there a range covering a whole address
 * family, however written, would hand that grant to the internet.
 */
export function parseNetworkList(raw: string, options: { refuseEverything: boolean }): NetworkList {
  const networks: CIDR[] = []
  const problems: string[] = []
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const cidr = parseCIDR(entry)
    if (!cidr) {
      problems.push(
        `"${entry}" is not a CIDR range in canonical form ` +
          '(IPv4 as four decimal octets without leading zeros, IPv6 as RFC 4291 text)',
      )
    } else if (options.refuseEverything && coversEverything(cidr)) {
      problems.push(`"${entry}" covers every address; name your own networks`)
    } else {
      networks.push(cidr)
    }
  }
  return { networks, problems }
}

/**
 * Warnings to log at start (API §1): a trusted proxy range that overlaps the quick-login
 * networks makes the devices in the overlap proxies, whose X-Forwarded-For is believed and
 * which count as household clients only through it.
 */
export function networkWarnings(config: {
  trustProxy: CIDR[]
  quickLoginNetworks: CIDR[]
}): string[] {
  const warnings: string[] = []
  for (const proxy of config.trustProxy) {
    for (const household of config.quickLoginNetworks) {
      if (!rangesOverlap(proxy, household)) continue
      warnings.push(
        `AUTH_TRUST_PROXY range ${formatCIDR(proxy)} overlaps AUTH_QUICK_LOGIN_NETWORKS range ` +
          `${formatCIDR(household)}: devices there are taken as reverse proxies (their ` +
          'X-Forwarded-For is believed, and without it they are not household clients); ' +
          "trust only the proxy's own address",
      )
    }
  }
  return warnings
}
