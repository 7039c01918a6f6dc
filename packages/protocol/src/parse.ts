import type { z } from 'zod';
import type { ApiErrorBody } from './errors';
import { clientMessageSchema, MAX_SIGNAL_MESSAGE_BYTES, type ClientMessage } from './signaling';

export type ParseResult =
  { ok: true; message: ClientMessage } | { ok: false; error: ApiErrorBody & { rid?: string } };

/** Turns a raw signaling frame into a typed message, or a stable error naming what was wrong. */
export function parseClientMessage(raw: string | Uint8Array): ParseResult {
  if (byteLength(raw) > MAX_SIGNAL_MESSAGE_BYTES) {
    return {
      ok: false,
      error: {
        code: 'message_too_large',
        message: `Messages are limited to ${MAX_SIGNAL_MESSAGE_BYTES} bytes`,
      },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
  } catch {
    return { ok: false, error: { code: 'bad_request', message: 'Message is not valid JSON' } };
  }
  const rid = ridOf(value);
  const result = clientMessageSchema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  const known = clientMessageSchema.options.some((o) => o.shape.type.value === type);
  if (!known) {
    return {
      ok: false,
      error: { code: 'unknown_message', message: 'Unknown message type', field: 'type', ...(rid && { rid }) },
    };
  }
  return { ok: false, error: { ...describeIssue(result.error), ...(rid && { rid }) } };
}

function byteLength(raw: string | Uint8Array): number {
  if (typeof raw !== 'string') return raw.byteLength;
  // A UTF-8 encoding is never shorter than the UTF-16 length, so skip encoding what is already too long.
  return raw.length > MAX_SIGNAL_MESSAGE_BYTES ? raw.length : new TextEncoder().encode(raw).byteLength;
}

function ridOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const rid = (value as { rid?: unknown }).rid;
  return typeof rid === 'string' && rid.length <= 64 ? rid : undefined;
}

/** The first problem, phrased for a developer, with its field path. */
export function describeIssue(error: z.ZodError): ApiErrorBody {
  const issue = error.issues[0];
  const field = issue?.path.join('.') ?? '';
  return {
    code: 'validation_failed',
    message: issue ? `${field || 'input'}: ${issue.message}` : 'Invalid input',
    ...(field && { field }),
  };
}
