/** The dependencies a use case takes (its first parameter), for typing a route factory's. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DepsOf<F extends (deps: any, ...rest: any[]) => unknown> = Parameters<F>[0]
