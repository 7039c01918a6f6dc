import { SealError, open, seal } from './envelope';
import type { DataKeys } from './data-keys';

const bound = (organisationId: string, context: string) => `${organisationId} ${context}`;

/**
 * Text kept encrypted in the database (CHAT-AT-REST), e.g. a chat message's body: sealed under its
 * organisation's data key and bound to `context` (what it is and whose: a message id), so a value
 * copied into another row does not open there. Stored as `v1.<data key id>.<base64url>`.
 */
export class Vault {
  constructor(private readonly keys: DataKeys) {}

  async seal(organisationId: string, text: string, context: string): Promise<string> {
    const { id, key } = await this.keys.current(organisationId);
    const sealed = seal(key, Buffer.from(text, 'utf8'), bound(organisationId, context)).toString('base64url');
    return `v1.${id}.${sealed}`;
  }

  async open(organisationId: string, stored: string, context: string): Promise<string> {
    const [version, keyId, body, ...rest] = stored.split('.');
    if (version !== 'v1' || !keyId || body === undefined || rest.length > 0) throw new SealError();
    const dataKey = await this.keys.byId(organisationId, keyId);
    if (!dataKey) throw new SealError();
    return open(dataKey.key, Buffer.from(body, 'base64url'), bound(organisationId, context)).toString('utf8');
  }
}
