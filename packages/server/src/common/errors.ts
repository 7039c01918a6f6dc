import type { ErrorCode } from '@conclave/protocol';

/** A failure with a stable code that the API returns as a 4xx/5xx JSON body. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'Not found', code: ErrorCode = 'not_found') => new AppError(404, code, what);
export const unauthorized = (why = 'Sign in first') => new AppError(401, 'unauthorized', why);

/** 429 with the number of seconds after which trying again can succeed (sent as Retry-After). */
export class RateLimitError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'rate_limited', message);
    this.name = 'RateLimitError';
  }
}

/**
 * A refusal whose cause is for the operator's log, never for the client (who gets only the stable code
 * and message): why a passkey was refused, for instance. The error handler logs `logged` at `level`.
 */
export class ExplainedRefusal extends AppError {
  constructor(
    statusCode: number,
    code: ErrorCode,
    message: string,
    readonly logged: Record<string, string>,
    readonly level: 'info' | 'warn' = 'info',
  ) {
    super(statusCode, code, message);
    this.name = 'ExplainedRefusal';
  }
}
