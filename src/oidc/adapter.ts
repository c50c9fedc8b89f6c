import type { OIDCPayload, OIDCPayloads } from './payload-store.js'
import { clientMetadata, type ClientApp } from './client-metadata.js'

export interface AdapterDeps {
  payloads: OIDCPayloads
  apps: { findByClientId(clientId: string): ClientApp | null | undefined }
}

/**
 * oidc-provider's adapter (one instance per model name) on `oidc_payloads`. Clients are not
 * stored by the provider: they are the `apps` table, read at every lookup, so an app added or
 * changed by the CLI or the API takes effect at once.
 */
export function createAdapterClass({ payloads, apps }: AdapterDeps) {
  return class SQLiteAdapter {
    constructor(readonly kind: string) {}

    async upsert(id: string, payload: OIDCPayload, expiresIn?: number): Promise<void> {
      if (this.kind === 'Client') throw new Error('clients are managed as apps')
      payloads.upsert(this.kind, id, payload, expiresIn)
    }

    async find(id: string): Promise<OIDCPayload | Record<string, unknown> | undefined> {
      if (this.kind === 'Client') {
        const app = apps.findByClientId(id)
        return app ? clientMetadata(app) : undefined
      }
      return payloads.find(this.kind, id)
    }

    async findByUid(uid: string) {
      return payloads.findByUid(this.kind, uid)
    }

    async findByUserCode(userCode: string) {
      return payloads.findByUserCode(this.kind, userCode)
    }

    async consume(id: string): Promise<void> {
      payloads.consume(this.kind, id)
    }

    async destroy(id: string): Promise<void> {
      payloads.destroy(this.kind, id)
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      payloads.revokeByGrantId(grantId)
    }
  }
}
