import {
  MAX_WEBHOOK_ENDPOINTS,
  createWebhookRequestSchema,
  updateWebhookRequestSchema,
  webhookSettingsSchema,
  type CreateWebhookRequest,
  type CreatedWebhookView,
  type UpdateWebhookRequest,
  type WebhookDeliveryView,
  type WebhookEndpointView,
  type WebhookListView,
  type WebhookSecretView,
  type WebhookSettings,
} from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { Vault } from '../at-rest';
import type { AuditActor, AuditLog, AuditTarget } from '../audit';
import type { Clock } from '../common/clock';
import { AppError, notFound } from '../common/errors';
import { newId } from '../common/ids';
import type { UserPrincipal } from '../domain';
import { newSigningSecret } from './signature';
import type { DeliveryRecord, EndpointRecord, WebhookStore } from './store';
import { checkTarget, parseTargetUrl, TargetRefused, type HostLookup } from './targets';
import { secretContext } from './worker';

const managersOnly = 'Only Superusers and Administrators can manage webhooks';
const endpointNotFound = () => notFound('There is no such webhook endpoint', 'webhook_not_found');

/** The most deliveries the console lists for one endpoint. */
const LISTED_DELIVERIES = 50;

export interface WebhookAdministrationDeps {
  store: WebhookStore;
  vault: Vault;
  audit: AuditLog;
  clock: Clock;
  lookup: HostLookup;
}

/**
 * The organisation's webhook endpoints as Superusers and Administrators manage them: register one
 * (its address checked against the private-target rule, and its signing secret shown once), change,
 * disable or delete it, replace its secret, read its latest deliveries. Whether private targets are
 * allowed is the Administrator's decision alone. Every change is authorised and audited; no secret
 * is ever written to the audit log.
 */
export class WebhookAdministration {
  constructor(private readonly deps: WebhookAdministrationDeps) {}

  async list(caller: UserPrincipal): Promise<WebhookListView> {
    authorize(caller, 'webhooks.manage', ORGANISATION, managersOnly);
    const { store } = this.deps;
    const endpoints = await store.endpoints(caller.organisationId);
    const latest = await store.latestDeliveries(endpoints.map((e) => e.id));
    return {
      endpoints: endpoints.map((e) => endpointView(e, latest.get(e.id) ?? null)),
      settings: { allowPrivateTargets: await store.allowsPrivateTargets(caller.organisationId) },
    };
  }

  async create(actor: AuditActor, input: CreateWebhookRequest): Promise<CreatedWebhookView> {
    const caller = actor.principal;
    authorize(caller, 'webhooks.manage', ORGANISATION, managersOnly);
    const { url, description, events } = createWebhookRequestSchema.parse(input);
    const { store, vault, clock } = this.deps;
    const checked = await this.checkedUrl(caller.organisationId, url);
    if ((await store.countEndpoints(caller.organisationId)) >= MAX_WEBHOOK_ENDPOINTS) {
      throw new AppError(
        409,
        'too_many_webhooks',
        `An organisation can have at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints`,
      );
    }
    const id = newId(clock.now().getTime());
    const secret = newSigningSecret();
    const record: EndpointRecord = {
      id,
      organisationId: caller.organisationId,
      url: checked,
      description,
      events,
      sealedSecret: await vault.seal(caller.organisationId, secret, secretContext(id)),
      enabled: true,
      createdAt: clock.now().toISOString(),
    };
    await store.addEndpoint(record);
    await this.deps.audit.record(actor, 'webhook.created', target(record), {
      url: checked,
      events: events.join(' '),
    });
    return { ...endpointView(record, null), secret };
  }

  async update(actor: AuditActor, id: string, input: UpdateWebhookRequest): Promise<WebhookEndpointView> {
    const caller = actor.principal;
    const endpoint = await this.existing(caller, id);
    const change = updateWebhookRequestSchema.parse(input);
    const url =
      change.url === undefined ? undefined : await this.checkedUrl(caller.organisationId, change.url);
    const changed = {
      ...(url !== undefined && url !== endpoint.url && { url }),
      ...(change.description !== undefined &&
        change.description !== endpoint.description && {
          description: change.description,
        }),
      ...(change.events !== undefined &&
        change.events.join(' ') !== endpoint.events.join(' ') && { events: change.events }),
      ...(change.enabled !== undefined && change.enabled !== endpoint.enabled && { enabled: change.enabled }),
    };
    if (Object.keys(changed).length > 0) {
      await this.deps.store.updateEndpoint(id, changed);
      await this.deps.audit.record(actor, 'webhook.updated', target({ ...endpoint, ...changed }), {
        ...(changed.url !== undefined && { url: changed.url }),
        ...(changed.description !== undefined && { description: changed.description }),
        ...(changed.events !== undefined && { events: changed.events.join(' ') }),
        ...(changed.enabled !== undefined && { enabled: changed.enabled }),
      });
    }
    const updated = await this.existing(caller, id);
    const latest = await this.deps.store.latestDeliveries([id]);
    return endpointView(updated, latest.get(id) ?? null);
  }

  /** A new signing secret, shown this once; the old one signs nothing more, retries included. */
  async rotateSecret(actor: AuditActor, id: string): Promise<WebhookSecretView> {
    const caller = actor.principal;
    const endpoint = await this.existing(caller, id);
    const secret = newSigningSecret();
    const sealedSecret = await this.deps.vault.seal(caller.organisationId, secret, secretContext(id));
    await this.deps.store.updateEndpoint(id, { sealedSecret });
    await this.deps.audit.record(actor, 'webhook.secretRotated', target(endpoint));
    return { secret };
  }

  async delete(actor: AuditActor, id: string): Promise<void> {
    const endpoint = await this.existing(actor.principal, id);
    await this.deps.store.deleteEndpoint(id);
    await this.deps.audit.record(actor, 'webhook.deleted', target(endpoint));
  }

  async deliveries(caller: UserPrincipal, id: string): Promise<WebhookDeliveryView[]> {
    const endpoint = await this.existing(caller, id);
    return (await this.deps.store.deliveries(endpoint.id, LISTED_DELIVERIES)).map(deliveryView);
  }

  /** Allows or disallows endpoints on private addresses (and plain http): the Administrator only. */
  async setSettings(actor: AuditActor, input: WebhookSettings): Promise<WebhookSettings> {
    const caller = actor.principal;
    authorize(
      caller,
      'webhooks.privateTargets',
      ORGANISATION,
      'Only the Administrator can allow private targets',
    );
    const { allowPrivateTargets } = webhookSettingsSchema.parse(input);
    const { store, clock, audit } = this.deps;
    if ((await store.allowsPrivateTargets(caller.organisationId)) !== allowPrivateTargets) {
      await store.setAllowPrivateTargets(
        caller.organisationId,
        allowPrivateTargets,
        clock.now().toISOString(),
      );
      await audit.record(
        actor,
        'webhook.privateTargetsChanged',
        { kind: 'settings', id: null, name: 'Webhooks' },
        { allowPrivateTargets },
      );
    }
    return { allowPrivateTargets };
  }

  /** The address as it will be kept, once its host resolves to addresses it may reach. */
  private async checkedUrl(organisationId: string, text: string): Promise<string> {
    const allowPrivate = await this.deps.store.allowsPrivateTargets(organisationId);
    try {
      const url = parseTargetUrl(text, allowPrivate);
      await checkTarget(url, allowPrivate, this.deps.lookup);
      return url.toString();
    } catch (err) {
      if (err instanceof TargetRefused) throw new AppError(400, 'webhook_url_refused', err.message, 'url');
      throw err;
    }
  }

  private async existing(caller: UserPrincipal, id: string): Promise<EndpointRecord> {
    authorize(caller, 'webhooks.manage', ORGANISATION, managersOnly);
    const endpoint = await this.deps.store.endpoint(caller.organisationId, id);
    if (!endpoint) throw endpointNotFound();
    return endpoint;
  }
}

const target = (e: Pick<EndpointRecord, 'id' | 'url'>): AuditTarget => ({
  kind: 'webhook',
  id: e.id,
  name: e.url,
});

function endpointView(e: EndpointRecord, latest: DeliveryRecord | null): WebhookEndpointView {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    createdAt: e.createdAt,
    lastDelivery: latest && deliveryView(latest),
  };
}

function deliveryView(d: DeliveryRecord): WebhookDeliveryView {
  return {
    id: d.id,
    type: d.type,
    status: d.status,
    attempts: d.attempts,
    createdAt: d.createdAt,
    lastAttemptAt: d.lastAttemptAt,
    responseStatus: d.responseStatus,
    error: d.error,
    nextAttemptAt: d.nextAttemptAt,
  };
}
