import {
  API_KEY_SCOPE_TEXT,
  API_KEY_SCOPES,
  type ApiKeyCreatedView,
  type ApiKeyScope,
  type ApiKeyView,
} from '@conclave/protocol';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { createApiKey, listApiKeys, revokeApiKey } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { useApiErrorText } from '../../app/session';
import { Alert, Button, Checkbox, CopyButton, Spinner, TextField } from '../../ui/components';
import { ConfirmDialog } from '../../meeting/ConfirmDialog';
import { AdminTable } from './AdminTable';
import { useRowActions } from './rowActions';
import { fieldMessage } from './fieldMessage';

/**
 * Administration → API keys (docs/api.md): the keys other systems of the organisation use with the
 * platform API. A new key is shown once (the server keeps only its digest); a key acts with the rights
 * of the Superuser or Administrator who made it, within its scopes, until it is revoked.
 */
export function ApiKeysPage() {
  const handle = useApiErrorText();
  const [keys, setKeys] = useState<ApiKeyView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [created, setCreated] = useState<ApiKeyCreatedView | null>(null);

  useEffect(() => {
    let cancelled = false;
    listApiKeys().then(
      (list) => !cancelled && setKeys(list.keys),
      (err: unknown) => !cancelled && setLoadError(handle(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [handle]);

  const added = (key: ApiKeyCreatedView) => {
    setCreated(key);
    const { key: _shownOnce, ...view } = key;
    setKeys((list) => [view, ...(list ?? [])]);
  };
  const revoked = (id: string) => {
    setKeys((list) => list && list.filter((k) => k.id !== id));
    if (created?.id === id) setCreated(null);
  };
  const failed = useCallback((err: unknown) => setActionError(err ? handle(err) : null), [handle]);

  return (
    <>
      <NewKeyForm onCreated={added} />
      {created && <CreatedKey created={created} onDone={() => setCreated(null)} />}
      <section className="card" aria-labelledby="admin-api-keys">
        <div className="card-header">
          <h2 id="admin-api-keys">API keys</h2>
          {keys && <span className="count-badge">{keys.length}</span>}
        </div>
        <p className="muted">
          Other systems send a key as <code>Authorization: Bearer &lt;key&gt;</code> to the platform API; see
          the <Link to="/api-reference">API reference</Link>. Each use is in the audit log.
        </p>
        {loadError && <Alert>{loadError}</Alert>}
        {actionError && <Alert>{actionError}</Alert>}
        {!keys && !loadError && (
          <div className="empty">
            <Spinner label="Loading the API keys" />
          </div>
        )}
        {keys && keys.length === 0 && <p className="empty">No API keys yet.</p>}
        {keys && keys.length > 0 && (
          <AdminTable columns={['Name', 'Scopes', 'Key', 'Made by', 'Last used', '']}>
            {keys.map((k) => (
              <ApiKeyRow key={k.id} apiKey={k} onRevoked={revoked} onError={failed} />
            ))}
          </AdminTable>
        )}
      </section>
    </>
  );
}

/** One key: what it may do, how to recognise it, who made it, when it was last used; Revoke asks first. */
function ApiKeyRow({
  apiKey: k,
  onRevoked,
  onError,
}: {
  apiKey: ApiKeyView;
  onRevoked: (id: string) => void;
  onError: (err: unknown) => void;
}) {
  const actions = useRowActions(k.name, onError);
  const [confirming, setConfirming] = useState(false);
  return (
    <tr data-testid="api-key-row">
      <td>{k.name}</td>
      <td>{k.scopes.join(', ')}</td>
      <td>
        <code>{k.prefix}…</code>
      </td>
      <td>
        {k.createdBy.displayName}, {new Date(k.createdAt).toLocaleDateString()}
      </td>
      <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'Never'}</td>
      <td>
        <Button
          variant="ghost"
          size="sm"
          className="btn-icon-danger"
          busy={actions.busy === 'Revoke'}
          disabled={actions.busy !== null}
          aria-label={`Revoke, ${k.name}`}
          onClick={() => setConfirming(true)}
        >
          <span aria-hidden="true">Revoke</span>
        </Button>
        <ConfirmDialog
          open={confirming}
          title={`Revoke ${k.name}?`}
          message="Whatever uses this key stops working at once. This cannot be undone."
          confirm="Revoke key"
          onConfirm={() =>
            void actions.run('Revoke', async () => {
              await revokeApiKey(k.id);
              onRevoked(k.id);
            })
          }
          onClose={() => setConfirming(false)}
        />
      </td>
    </tr>
  );
}

/** "Make an API key": a name and the scopes it may use. */
function NewKeyForm({ onCreated }: { onCreated: (key: ApiKeyCreatedView) => void }) {
  const handle = useApiErrorText();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['meetings:read']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string | undefined } | null>(null);

  const toggle = (scope: ApiKeyScope, on: boolean) =>
    setScopes((s) => (on ? [...s, scope] : s.filter((x) => x !== scope)));
  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await createApiKey({ name, scopes }));
      setName('');
    } catch (err) {
      const field = err instanceof ApiError ? err.field : undefined;
      setError({ message: fieldMessage(handle(err), field), field });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="admin-new-api-key">
      <h2 id="admin-new-api-key" className="admin-card-title">
        Make an API key
      </h2>
      <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate>
        {error && error.field !== 'name' && <Alert>{error.message}</Alert>}
        <TextField
          label="Name"
          name="name"
          autoComplete="off"
          required
          maxLength={80}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={error?.field === 'name' ? error.message : undefined}
          hint="What uses it, e.g. “Room booking system”."
        />
        <fieldset className="admin-scopes">
          <legend>Scopes</legend>
          {API_KEY_SCOPES.map((scope) => (
            <Checkbox
              key={scope}
              label={`${scope}: ${API_KEY_SCOPE_TEXT[scope]}`}
              checked={scopes.includes(scope)}
              onChange={(on) => toggle(scope, on)}
            />
          ))}
        </fieldset>
        <div>
          <Button type="submit" variant="primary" busy={busy}>
            Make key
          </Button>
        </div>
      </form>
    </section>
  );
}

/** The new key, this once. */
function CreatedKey({ created, onDone }: { created: ApiKeyCreatedView; onDone: () => void }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="api-key-created">
      <h2 id={`${id}-title`} className="admin-card-title">
        {created.name}
      </h2>
      <Alert tone="info">This key is shown only once. Copy it now: Conclave keeps no copy of it.</Alert>
      <div className="field">
        <label htmlFor={`${id}-key`}>API key</label>
        <div className="rec-link-row">
          <input
            id={`${id}-key`}
            type="text"
            readOnly
            value={created.key}
            onFocus={(e) => e.target.select()}
          />
          <CopyButton text={created.key} label="Copy key" variant="secondary" />
        </div>
      </div>
      <div className="admin-save">
        <Button onClick={onDone}>I copied it</Button>
      </div>
    </section>
  );
}
