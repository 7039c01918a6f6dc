import {
  WEBHOOK_EVENTS,
  type WebhookDeliveryView,
  type WebhookEndpointView,
  type WebhookEventType,
} from '@conclave/protocol';
import { useCallback, useEffect, useState } from 'react';
import {
  createWebhook,
  deleteWebhook,
  listWebhookDeliveries,
  listWebhooks,
  rotateWebhookSecret,
  setWebhookSettings,
  updateWebhook,
} from '../../api/endpoints';
import { useApiErrorText, useSession } from '../../app/session';
import { Alert, Button, Checkbox, CopyButton, Spinner, TextField } from '../../ui/components';
import { AdminTable } from './AdminTable';
import { DeleteWithConfirmation, useRowActions } from './rowActions';
import { useAdminForm } from './useAdminForm';

const EVENT_NAMES: Record<WebhookEventType, string> = {
  'meeting.started': 'Meeting started',
  'meeting.ended': 'Meeting ended',
  'participant.joined': 'Participant joined',
  'participant.left': 'Participant left',
  'recording.ready': 'Recording ready',
};

const STATUS_NAMES: Record<WebhookDeliveryView['status'], string> = {
  pending: 'Retrying',
  delivered: 'Delivered',
  failed: 'Failed',
};

/** Deliveries happen by themselves: the page looks again this often. */
const REFRESH_MS = 15_000;

/**
 * Webhooks (issue 18): the organisation's endpoints, each with the events it is told of and its last
 * delivery; adding one shows its signing secret once; each can be disabled, re-keyed, deleted, and its
 * latest deliveries listed. Only the Administrator may let endpoints reach private addresses.
 */
export function WebhooksPage() {
  const handle = useApiErrorText();
  const administrator = useSession().session?.user.role === 'administrator';
  const [endpoints, setEndpoints] = useState<WebhookEndpointView[] | null>(null);
  const [allowPrivate, setAllowPrivate] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  /** A secret just made: shown once, until the page is left. */
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);

  const load = useCallback(
    () =>
      listWebhooks().then(
        (r) => {
          setEndpoints(r.endpoints);
          setAllowPrivate(r.settings.allowPrivateTargets);
          setLoadError(null);
        },
        (err: unknown) => setLoadError(handle(err)),
      ),
    [handle],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const failed = useCallback((err: unknown) => setActionError(err ? handle(err) : null), [handle]);
  const changed = (e: WebhookEndpointView) =>
    setEndpoints((list) => list && list.map((x) => (x.id === e.id ? e : x)));

  return (
    <>
      <AddWebhookForm
        allowPrivate={allowPrivate}
        onAdded={(e) => {
          setEndpoints((list) => list && [...list, e]);
          setSecret({ url: e.url, secret: e.secret });
        }}
      />
      {secret && (
        <section className="card" aria-labelledby="admin-webhook-secret" data-testid="webhook-secret">
          <h2 id="admin-webhook-secret" className="admin-card-title">
            Signing secret
          </h2>
          <p>
            The signing secret of <bdi>{secret.url}</bdi>. Copy it now: it is not shown again. Receivers
            verify each delivery’s <code>webhook-signature</code> with it (any Standard Webhooks library
            does).
          </p>
          <p>
            <code>{secret.secret}</code> <CopyButton text={secret.secret} label="Copy secret" />
          </p>
        </section>
      )}
      <section className="card" aria-labelledby="admin-webhooks">
        <div className="card-header">
          <h2 id="admin-webhooks">Webhook endpoints</h2>
          {endpoints && <span className="count-badge">{endpoints.length}</span>}
        </div>
        {loadError && <Alert>{loadError}</Alert>}
        {actionError && <Alert>{actionError}</Alert>}
        {!endpoints && !loadError && (
          <div className="empty">
            <Spinner label="Loading the webhook endpoints" />
          </div>
        )}
        {endpoints && endpoints.length === 0 && (
          <p className="empty">No webhook endpoints yet. Add one above to tell another system of meetings.</p>
        )}
        {endpoints && endpoints.length > 0 && (
          <AdminTable columns={['Address', 'Events', 'Last delivery', '']}>
            {endpoints.map((e) => (
              <WebhookRow
                key={e.id}
                endpoint={e}
                onChanged={changed}
                onSecret={(s) => setSecret({ url: e.url, secret: s })}
                onDeleted={() => setEndpoints((list) => list && list.filter((x) => x.id !== e.id))}
                onError={failed}
              />
            ))}
          </AdminTable>
        )}
      </section>
      <section className="card" aria-labelledby="admin-webhook-targets">
        <h2 id="admin-webhook-targets" className="admin-card-title">
          Private addresses
        </h2>
        <p className="muted">
          Endpoints on private, loopback or link-local addresses (your own network) are refused, so that
          nobody can use webhooks to reach inside it. Only the Administrator can allow them, for a receiver on
          the network the server runs in; plain <code>http://</code> is then allowed too.
        </p>
        <Checkbox
          label="Allow endpoints on private addresses"
          checked={allowPrivate}
          disabled={!administrator}
          onChange={(allow) =>
            void setWebhookSettings({ allowPrivateTargets: allow }).then(
              (s) => setAllowPrivate(s.allowPrivateTargets),
              failed,
            )
          }
        />
      </section>
    </>
  );
}

function AddWebhookForm({
  allowPrivate,
  onAdded,
}: {
  allowPrivate: boolean;
  onAdded: (e: WebhookEndpointView & { secret: string }) => void;
}) {
  const { form, setForm, set, busy, error, done, submit, fieldError } = useAdminForm(
    { url: '', description: '', events: [...WEBHOOK_EVENTS] as WebhookEventType[] },
    (f) => createWebhook(f),
    (created) => {
      onAdded(created);
      return `${created.url} is added. Copy its signing secret below.`;
    },
  );
  const toggle = (event: WebhookEventType, on: boolean) =>
    setForm((f) => ({
      ...f,
      events: on ? [...f.events, event] : f.events.filter((e) => e !== event),
    }));
  return (
    <section className="card" aria-labelledby="admin-add-webhook">
      <h2 id="admin-add-webhook" className="admin-card-title">
        Add a webhook endpoint
      </h2>
      <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate>
        {error && !['url', 'description', 'events'].includes(error.field ?? '') && (
          <Alert>{error.message}</Alert>
        )}
        {done && <Alert tone="info">{done}</Alert>}
        <div className="admin-grid">
          <TextField
            label="Address"
            name="url"
            type="url"
            autoComplete="off"
            required
            maxLength={2000}
            value={form.url}
            onChange={set('url')}
            error={fieldError('url')}
            hint={allowPrivate ? 'https:// or http://' : 'An https:// address on the internet.'}
          />
          <TextField
            label="Description"
            name="description"
            autoComplete="off"
            maxLength={200}
            value={form.description}
            onChange={set('description')}
            error={fieldError('description')}
          />
        </div>
        <fieldset className="admin-fieldset">
          <legend>Events</legend>
          {WEBHOOK_EVENTS.map((event) => (
            <Checkbox
              key={event}
              label={EVENT_NAMES[event]}
              checked={form.events.includes(event)}
              onChange={(on) => toggle(event, on)}
            />
          ))}
          {fieldError('events') && <Alert>{fieldError('events')}</Alert>}
        </fieldset>
        <div>
          <Button type="submit" variant="primary" busy={busy}>
            Add endpoint
          </Button>
        </div>
      </form>
    </section>
  );
}

function WebhookRow({
  endpoint: e,
  onChanged,
  onSecret,
  onDeleted,
  onError,
}: {
  endpoint: WebhookEndpointView;
  onChanged: (e: WebhookEndpointView) => void;
  onSecret: (secret: string) => void;
  onDeleted: () => void;
  onError: (err: unknown) => void;
}) {
  const actions = useRowActions(e.url, onError);
  const [deliveries, setDeliveries] = useState<WebhookDeliveryView[] | null>(null);
  return (
    <>
      <tr data-testid="admin-webhook">
        <th scope="row">
          <bdi>{e.url}</bdi>
          {e.description && <div className="muted">{e.description}</div>}
          {!e.enabled && <div className="muted">Disabled</div>}
        </th>
        <td>{e.events.map((x) => EVENT_NAMES[x]).join(', ')}</td>
        <td>{e.lastDelivery ? <DeliveryStatus delivery={e.lastDelivery} /> : 'None yet'}</td>
        <td>
          <div className="row-actions admin-actions">
            {actions.action(deliveries ? 'Hide deliveries' : 'Deliveries', async () =>
              setDeliveries(deliveries ? null : (await listWebhookDeliveries(e.id)).deliveries),
            )}
            {actions.action(e.enabled ? 'Disable' : 'Enable', async () =>
              onChanged(await updateWebhook(e.id, { enabled: !e.enabled })),
            )}
            {actions.action('New secret', async () => onSecret((await rotateWebhookSecret(e.id)).secret))}
            <DeleteWithConfirmation
              name={e.url}
              message="It is told of nothing more, and its deliveries are forgotten."
              confirm="Delete endpoint"
              actions={actions}
              onDelete={async () => {
                await deleteWebhook(e.id);
                onDeleted();
              }}
            />
          </div>
        </td>
      </tr>
      {deliveries && (
        <tr>
          <td colSpan={4}>
            {deliveries.length === 0 ? (
              <p className="empty">No deliveries yet.</p>
            ) : (
              <AdminTable columns={['When', 'Event', 'Status', 'Attempts']}>
                {deliveries.map((d) => (
                  <tr key={d.id} data-testid="admin-webhook-delivery">
                    <td className="admin-when">
                      <time dateTime={d.createdAt}>{new Date(d.createdAt).toLocaleString()}</time>
                    </td>
                    <td>{EVENT_NAMES[d.type]}</td>
                    <td>
                      <DeliveryStatus delivery={d} />
                    </td>
                    <td>{d.attempts}</td>
                  </tr>
                ))}
              </AdminTable>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

/** "Delivered (204), 12:03", "Retrying: answered 500", "Failed: connection refused". */
function DeliveryStatus({ delivery: d }: { delivery: WebhookDeliveryView }) {
  const at = d.lastAttemptAt ?? d.createdAt;
  const detail = d.error ?? (d.responseStatus !== null ? String(d.responseStatus) : null);
  return (
    <span>
      {STATUS_NAMES[d.status]}
      {detail && ` (${detail})`}, <time dateTime={at}>{new Date(at).toLocaleString()}</time>
    </span>
  );
}
