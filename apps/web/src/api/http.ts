import { CSRF_HEADER, type ApiErrorBody } from '@conclave/protocol';

/** A failed API call: the server's stable code and message, or `network` when it could not be reached. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ApiErrorBody['code'] | 'network',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** The session's CSRF token, sent on every write while signed in. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw unreachable();
  }
  return answer<T>(response);
}

/** Sends a file as the raw body with its own content type (an image upload), CSRF token included. */
export async function apiUpload<T>(path: string, file: Blob): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': file.type };
  if (csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method: 'PUT', headers, credentials: 'same-origin', body: file });
  } catch {
    throw unreachable();
  }
  return answer<T>(response);
}

const unreachable = () =>
  new ApiError(0, 'network', 'Could not reach the server. Check your connection and try again.');

/** The answer's JSON, or its refusal as an ApiError. */
async function answer<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!response.ok) {
    const err = data as Partial<ApiErrorBody> | undefined;
    throw new ApiError(
      response.status,
      err?.code ?? (response.status === 404 ? 'not_found' : 'internal'),
      err?.message ?? `The server answered ${response.status} ${response.statusText}`.trim(),
      err?.field,
    );
  }
  return data as T;
}
