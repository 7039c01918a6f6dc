import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { describeIssue, type ApiErrorBody, type ErrorCode } from '@conclave/protocol';
import type { z } from 'zod';
import { AppError, ExplainedRefusal, RateLimitError } from '../common/errors';

export interface MappedError {
  status: number;
  body: ApiErrorBody;
  retryAfterSeconds?: number;
}

const byStatus: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'message_too_large',
  429: 'rate_limited',
};

/**
 * Every failure becomes `{code, message, field?}` with a 4xx for anything the client got wrong.
 * Messages never echo the request body (a JSON parse error would quote the password).
 */
export function mapError(err: unknown, bodyLimit: number): MappedError {
  if (err instanceof RateLimitError) {
    return { status: 429, body: bodyOf(err), retryAfterSeconds: err.retryAfterSeconds };
  }
  if (err instanceof AppError) return { status: err.statusCode, body: bodyOf(err) };
  if (isZodError(err)) return { status: 400, body: describeIssue(err) };

  const e = (typeof err === 'object' && err !== null ? err : {}) as Partial<FastifyError>;
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return bad(415, 'bad_request', 'Send the request body as JSON (Content-Type: application/json)');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bad(413, 'message_too_large', `The request body is larger than ${bodyLimit / 1024} KiB`);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return bad(400, 'bad_request', 'The request body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return bad(400, 'bad_request', 'The request body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return bad(400, 'bad_request', 'Content-Length does not match the body');
    case 'FST_ERR_BAD_URL':
      return bad(400, 'bad_request', 'The URL is malformed');
  }
  if (e.validation) {
    const first = e.validation[0];
    const field = first?.instancePath?.replace(/^\//, '').replaceAll('/', '.') || undefined;
    return {
      status: 400,
      body: {
        code: 'validation_failed',
        message: first?.message ?? 'Invalid input',
        ...(field && { field }),
      },
    };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 400 && (e.name === 'SyntaxError' || err instanceof SyntaxError)) {
    return bad(400, 'bad_request', 'The request body is not valid JSON');
  }
  if (status === 414) return bad(414, 'bad_request', 'The URL is too long');
  if (status >= 400 && status < 500) {
    return bad(
      status,
      byStatus[status] ?? 'bad_request',
      e.code?.startsWith('FST_') ? e.message! : 'Bad request',
    );
  }
  return bad(500, 'internal', 'Something went wrong on the server; it has been logged');
}

export function errorHandler(bodyLimit: number) {
  return (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = mapError(err, bodyLimit);
    // An AppError is a refusal of ours, even a 503 (the cause was logged where it happened).
    if (mapped.status >= 500 && !(err instanceof AppError)) request.log.error({ err }, 'request failed');
    else if (err instanceof ExplainedRefusal) {
      request.log[err.level](
        { code: mapped.body.code, status: mapped.status, ...err.logged },
        'request refused',
      );
    } else request.log.info({ code: mapped.body.code, status: mapped.status }, 'request refused');
    if (mapped.retryAfterSeconds !== undefined) reply.header('retry-after', String(mapped.retryAfterSeconds));
    return reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
  };
}

function bodyOf(err: AppError): ApiErrorBody {
  return { code: err.code, message: err.message, ...(err.field && { field: err.field }) };
}

function bad(status: number, code: ErrorCode, message: string): MappedError {
  return { status, body: { code, message } };
}

function isZodError(err: unknown): err is z.ZodError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'ZodError' &&
    Array.isArray((err as { issues?: unknown }).issues)
  );
}
