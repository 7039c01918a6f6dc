import { z } from 'zod';
import { API_KEY_SCOPE_TEXT, apiErrorSchema, PLATFORM_API_PREFIX } from '@conclave/protocol';
import { OPERATIONS, openApiPath, type Operation } from './operations';

type JsonSchema = Record<string, unknown>;

/** Refusals every operation may answer with: they come before its own work. */
const COMMON_RESPONSES = {
  401: 'No key, or one that does not work (`api_key_invalid`): unknown, revoked, or its creator no longer manages the organisation',
  403: 'The key lacks the operation’s scope (`insufficient_scope`; `field` names it)',
  429: 'Too many requests with this key this minute, or too many wrong keys from this address (`rate_limited`; see Retry-After)',
} as const;

/**
 * The platform API's OpenAPI 3.1 document, written from the operations and their zod schemas (the
 * ones the routes parse with): request bodies as their input, answers as their output. Schemas that
 * carry an id (`.meta({ id })`) become components. Deterministic, so that the copy checked in at
 * docs/openapi.json can be compared with it.
 */
export function openApiDocument(): Record<string, unknown> {
  const components = new Map<string, JsonSchema>();
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const {
      $schema: _,
      $defs,
      ...root
    } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    for (const [id, def] of Object.entries($defs ?? {})) addComponent(components, id, refsToComponents(def));
    return refsToComponents(root);
  };
  // Every refusal's body: a component (it carries an id) that the responses refer to.
  schemaOf(apiErrorSchema, 'output');

  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, operation] of Object.entries(OPERATIONS) as Array<[string, Operation]>) {
    const path = `${PLATFORM_API_PREFIX}${openApiPath(operation.path)}`;
    (paths[path] ??= {})[operation.method.toLowerCase()] = {
      operationId,
      tags: [operation.tag],
      summary: operation.summary,
      description: operation.description,
      security: [{ apiKey: [operation.scope] }],
      'x-required-scope': operation.scope,
      parameters: [
        ...parametersOf(operation.params, 'path', schemaOf),
        ...parametersOf(operation.query, 'query', schemaOf),
      ],
      ...(operation.body && {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schemaOf(operation.body, 'input') } },
        },
      }),
      responses: responsesOf(operation, schemaOf),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Conclave platform API',
      version: '1',
      description:
        'What other systems of an organisation do with Conclave, with an API key made in Administration → ' +
        'API keys. Send it as `Authorization: Bearer <key>`. A key acts with the rights of the Superuser or ' +
        'Administrator who made it, only within its scopes. See docs/api.md.',
    },
    servers: [{ url: '/', description: 'This Conclave server' }],
    tags: [
      { name: 'Meetings', description: 'The organisation’s meetings' },
      { name: 'Participants', description: 'Who is in a running meeting, and moderating them' },
      { name: 'Reports', description: 'Usage of the organisation (ADM-USAGE)' },
    ],
    security: [],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key (`cnk_…`). Scopes: ' +
            Object.entries(API_KEY_SCOPE_TEXT)
              .map(([scope, text]) => `\`${scope}\`: ${text}`)
              .join('; ') +
            '.',
        },
      },
      schemas: Object.fromEntries([...components].sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}

function parametersOf(
  schema: z.ZodObject | undefined,
  where: 'path' | 'query',
  schemaOf: (s: z.ZodType, io: 'input' | 'output') => JsonSchema,
): unknown[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const { description, ...fieldSchema } = schemaOf(field as z.ZodType, 'input');
    return {
      name,
      in: where,
      required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      ...(typeof description === 'string' && { description }),
      schema: fieldSchema,
    };
  });
}

function responsesOf(
  operation: Operation,
  schemaOf: (s: z.ZodType, io: 'input' | 'output') => JsonSchema,
): Record<string, unknown> {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  const { success } = operation;
  const responses: Record<string, unknown> = {
    [success.status]: {
      description: success.description,
      ...(success.schema && {
        content: { 'application/json': { schema: schemaOf(success.schema, 'output') } },
      }),
    },
  };
  for (const [status, description] of Object.entries(COMMON_RESPONSES))
    responses[status] = error(description);
  for (const e of operation.errors) {
    responses[e.status] = error(`${e.description} (${e.codes.map((c) => `\`${c}\``).join(', ')})`);
  }
  return responses;
}

/** zod writes `#/$defs/<id>`; in the document they are components. */
function refsToComponents(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
}

function addComponent(components: Map<string, JsonSchema>, id: string, schema: JsonSchema): void {
  const known = components.get(id);
  if (known && JSON.stringify(known) !== JSON.stringify(schema)) {
    throw new Error(`The schema ${id} reads differently as input and as output; give each its own id`);
  }
  components.set(id, schema);
}
