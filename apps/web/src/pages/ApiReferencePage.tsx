import { useEffect, useState } from 'react';
import { getOpenApiDocument, type OpenApiDocument, type OpenApiOperation } from '../api/endpoints';
import { useApiErrorText } from '../app/session';
import { Alert, Spinner } from '../ui/components';
import { AppLayout } from './AppLayout';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * /api-reference: the platform API (docs/api.md) as its OpenAPI document (GET /api/openapi.json)
 * describes it, served by Conclave itself: every operation with its scope, parameters, body and
 * answers, and the schemas they refer to. The document is the one the server generates from its
 * schemas, so this page cannot fall behind.
 */
export function ApiReferencePage() {
  const handle = useApiErrorText();
  const [doc, setDoc] = useState<OpenApiDocument | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    getOpenApiDocument().then(
      (d) => !cancelled && setDoc(d),
      (err: unknown) => !cancelled && setError(handle(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [handle]);

  const operations = doc
    ? Object.entries(doc.paths).flatMap(([path, item]) =>
        METHODS.flatMap((method) => (item[method] ? [{ path, method, op: item[method] }] : [])),
      )
    : [];
  return (
    <AppLayout
      title="API reference"
      intro={
        <>
          {doc?.info.description ?? 'The platform API of this Conclave server.'} The machine-readable document
          is at <a href="/api/openapi.json">/api/openapi.json</a>.
        </>
      }
    >
      {error && <Alert>{error}</Alert>}
      {!doc && !error && (
        <div className="empty">
          <Spinner label="Loading the API reference" />
        </div>
      )}
      {operations.map(({ path, method, op }) => (
        <Operation key={op.operationId} path={path} method={method} op={op} />
      ))}
      {doc && (
        <section className="card" aria-labelledby="api-schemas">
          <h2 id="api-schemas" className="admin-card-title">
            Schemas
          </h2>
          {Object.entries(doc.components.schemas).map(([name, schema]) => (
            <div key={name} id={`schema-${name}`} className="api-schema">
              <h3>{name}</h3>
              <Json value={schema} />
            </div>
          ))}
        </section>
      )}
    </AppLayout>
  );
}

function Operation({ path, method, op }: { path: string; method: string; op: OpenApiOperation }) {
  const scope = op.security?.[0]?.apiKey?.[0];
  const body = op.requestBody?.content['application/json']?.schema;
  return (
    <section
      className="card api-operation"
      aria-labelledby={`op-${op.operationId}`}
      data-testid="api-operation"
    >
      <h2 id={`op-${op.operationId}`} className="admin-card-title">
        <code>
          {method.toUpperCase()} {path}
        </code>
      </h2>
      <p>
        <strong>{op.summary}</strong>
        {scope && (
          <>
            {' '}
            · scope <code>{scope}</code>
          </>
        )}
      </p>
      {op.description && <p className="muted">{op.description}</p>}
      {op.parameters && op.parameters.length > 0 && (
        <>
          <h3>Parameters</h3>
          <ul>
            {op.parameters.map((p) => (
              <li key={`${p.in}-${p.name}`}>
                <code>{p.name}</code> ({p.in}
                {p.required ? ', required' : ''}) <Json value={p.schema} inline />
              </li>
            ))}
          </ul>
        </>
      )}
      {body !== undefined && (
        <>
          <h3>Request body</h3>
          <Json value={body} />
        </>
      )}
      <h3>Answers</h3>
      <ul>
        {Object.entries(op.responses).map(([status, r]) => (
          <li key={status}>
            <code>{status}</code> {r.description}{' '}
            {r.content?.['application/json'] && <Json value={r.content['application/json'].schema} inline />}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A schema as JSON; `$ref`s link to the schema they name on this page. */
function Json({ value, inline = false }: { value: unknown; inline?: boolean }) {
  const ref = (value as { $ref?: unknown } | null)?.$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    return <a href={`#schema-${name}`}>{name}</a>;
  }
  const text = JSON.stringify(value, null, inline ? undefined : 2);
  return inline ? <code>{text}</code> : <pre className="api-json">{text}</pre>;
}
