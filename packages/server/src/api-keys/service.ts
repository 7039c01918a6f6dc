import { createHash, randomBytes } from 'node:crypto';
import {
  API_KEY_PREFIX_LENGTH,
  type ApiKeyCreatedView,
  type ApiKeyListView,
  type ApiKeyScope,
  type CreateApiKeyRequest,
} from '@conclave/protocol';
import { authorize, isManager, ORGANISATION } from '../access';
import type { AuditLog } from '../audit';
import type { Clock } from '../common/clock';
import { AppError, notFound, RateLimitError } from '../common/errors';
import { newId } from '../common/ids';
import { describeWait, type Limiters, type RateLimitRule, type WindowLimiter } from '../common/rate-limit';
import type { UserPrincipal } from '../domain';
import type { ApiKeyStore, KeyHolder, Member } from './store';

/** Requests one key may make per minute, unless the configuration says otherwise. */
const DEFAULT_API_KEY_REQUESTS_PER_MINUTE = 300;
/** Wrong keys one client address may send per window; a right one is given back. */
const WRONG_KEYS: RateLimitRule = { limit: 20, windowMs: 10 * 60_000 };
/** `last used` is written at most this often per key: a busy key costs no write per request. */
const LAST_USED_PRECISION_MS = 60_000;

const KEY_PATTERN = /^cnk_[A-Za-z0-9_-]{43}$/;
const digest = (key: string) => createHash('sha256').update(key).digest('hex');

const invalidKey = (why = 'This API key does not work: it is unknown or revoked') =>
  new AppError(401, 'api_key_invalid', why);

/** Who a request made with a key is: the key, and the person whose rights it acts with (its creator). */
export interface ApiKeyCaller {
  key: Pick<KeyHolder, 'id' | 'name' | 'prefix' | 'organisationId' | 'scopes'>;
  /** The key's creator as they are now, a Superuser or Administrator. */
  principal: UserPrincipal;
}

export interface ApiKeyDeps {
  store: ApiKeyStore;
  audit: AuditLog;
  clock: Clock;
  limiters: Limiters;
  requestsPerMinute?: number;
}

/**
 * API keys of the platform API (docs/api.md). Superusers and Administrators make, list and revoke
 * their organisation's keys. A key is 256 random bits, shown once and kept only as its SHA-256 with a
 * short visible prefix. It acts with its creator's rights, read afresh on each request: it stops
 * working when it is revoked, when its creator's access is revoked or they are no longer a Superuser
 * or Administrator, and it is deleted with their account. Nothing is cached, so a revocation holds at
 * once on every control-plane node.
 */
export class ApiKeys {
  private readonly perKey: WindowLimiter;
  private readonly wrongKeys: WindowLimiter;

  constructor(private readonly d: ApiKeyDeps) {
    this.perKey = d.limiters.window('api-key', {
      limit: d.requestsPerMinute ?? DEFAULT_API_KEY_REQUESTS_PER_MINUTE,
      windowMs: 60_000,
    });
    this.wrongKeys = d.limiters.window('api-key:wrong-client', WRONG_KEYS);
  }

  async create(
    caller: UserPrincipal,
    input: CreateApiKeyRequest,
    clientIp: string,
  ): Promise<ApiKeyCreatedView> {
    authorize(caller, 'apiKeys.manage', ORGANISATION, 'Only Superusers and Administrators manage API keys');
    const { name, scopes } = input;
    const key = `cnk_${randomBytes(32).toString('base64url')}`;
    const now = this.d.clock.now();
    const made = {
      id: newId(now.getTime()),
      organisationId: caller.organisationId,
      name,
      scopes,
      prefix: key.slice(0, API_KEY_PREFIX_LENGTH),
      keyHash: digest(key),
      createdBy: caller.userId,
      createdAt: now.toISOString(),
    };
    await this.d.store.insert(made);
    await this.d.audit.record(
      { principal: caller, clientIp },
      'apiKey.created',
      { kind: 'apiKey', id: made.id, name },
      { scopes: scopes.join(' '), prefix: made.prefix },
    );
    return {
      id: made.id,
      name,
      scopes,
      prefix: made.prefix,
      createdBy: { id: caller.userId, displayName: caller.displayName },
      createdAt: made.createdAt,
      lastUsedAt: null,
      key,
    };
  }

  async list(caller: UserPrincipal): Promise<ApiKeyListView> {
    authorize(caller, 'apiKeys.manage', ORGANISATION, 'Only Superusers and Administrators manage API keys');
    return { keys: await this.d.store.list(caller.organisationId) };
  }

  async revoke(caller: UserPrincipal, id: string, clientIp: string): Promise<void> {
    authorize(caller, 'apiKeys.manage', ORGANISATION, 'Only Superusers and Administrators manage API keys');
    const name = await this.d.store.revoke(caller.organisationId, id, this.d.clock.now().toISOString());
    if (name === null) throw notFound('There is no such API key (any more)');
    await this.d.audit.record({ principal: caller, clientIp }, 'apiKey.revoked', {
      kind: 'apiKey',
      id,
      name,
    });
  }

  /**
   * Who an `Authorization: Bearer <key>` header is. Refuses with 401 `api_key_invalid`, or 429 once the
   * key made its requests of the minute (counted here, before any work) or the client address sent
   * too many wrong keys.
   */
  async authenticate(authorization: string | undefined, clientIp: string): Promise<ApiKeyCaller> {
    const key = /^Bearer (\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    if (!key) throw invalidKey('Send an API key: Authorization: Bearer <key>');
    const wrong = await this.wrongKeys.consume(clientIp);
    if (!wrong.allowed) {
      throw new RateLimitError(
        `Too many wrong API keys from this address. Try again in ${describeWait(wrong.retryAfterSeconds)}.`,
        wrong.retryAfterSeconds,
      );
    }
    const holder = KEY_PATTERN.test(key) ? await this.d.store.byHash(digest(key)) : null;
    if (!holder) throw invalidKey();
    await this.wrongKeys.refund(clientIp);
    const { creator } = holder;
    const principal = this.principalOf(holder);
    if (creator.revoked || !isManager(principal)) {
      throw invalidKey(
        `This API key stopped working: ${creator.displayName}, who made it, no longer manages the organisation`,
      );
    }
    const decision = await this.perKey.consume(holder.id);
    if (!decision.allowed) {
      throw new RateLimitError(
        `This API key made too many requests. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
        decision.retryAfterSeconds,
      );
    }
    const now = this.d.clock.now();
    if (
      holder.lastUsedAt === null ||
      now.getTime() - Date.parse(holder.lastUsedAt) >= LAST_USED_PRECISION_MS
    ) {
      await this.d.store.markUsed(holder.id, now.toISOString());
    }
    const { id, name, prefix, organisationId, scopes } = holder;
    return { key: { id, name, prefix, organisationId, scopes }, principal };
  }

  /** Refuses with 403 `insufficient_scope` unless the key has `scope`. */
  requireScope(caller: ApiKeyCaller, scope: ApiKeyScope): void {
    if (caller.key.scopes.includes(scope)) return;
    throw new AppError(403, 'insufficient_scope', `This API key lacks the scope ${scope}`, scope);
  }

  /** Writes a use of the key to the audit log (ADM-AUDIT), before its request is done. */
  async recordUse(
    caller: ApiKeyCaller,
    operation: string,
    clientIp: string,
    refused?: 'insufficient_scope',
  ): Promise<void> {
    const { key } = caller;
    await this.d.audit.record(
      { system: keyActorName(key.name), organisationId: key.organisationId, clientIp },
      'apiKey.used',
      { kind: 'apiKey', id: key.id, name: key.name },
      { operation, prefix: key.prefix, ...(refused && { refused }) },
    );
  }

  /** A person of the key's organisation who may own a meeting: there, and with access. Else 400. */
  async owner(caller: ApiKeyCaller, userId: string): Promise<UserPrincipal> {
    const member: Member | null = await this.d.store.member(caller.key.organisationId, userId);
    if (!member || member.revoked) {
      throw new AppError(
        400,
        'validation_failed',
        'The owner must be a person of the organisation whose access is not revoked',
        'ownerId',
      );
    }
    return {
      kind: 'user',
      userId: member.id,
      organisationId: caller.key.organisationId,
      displayName: member.displayName,
      role: member.role,
      sessionId: `api-key:${caller.key.id}`,
    };
  }

  private principalOf(holder: KeyHolder): UserPrincipal {
    return {
      kind: 'user',
      userId: holder.creator.id,
      organisationId: holder.organisationId,
      displayName: holder.creator.displayName,
      role: holder.creator.role,
      // Not a session: nothing ends it but the key's revocation, and it joins no meeting.
      sessionId: `api-key:${holder.id}`,
    };
  }
}

/** How the audit log names what a key did: the key, not the person who made it. */
export const keyActorName = (name: string) => `API key “${name}”`;
