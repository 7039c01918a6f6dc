import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/**
 * A new signing secret as Standard Webhooks libraries take it: `whsec_` and the base64 of 32 random
 * bytes (the bytes are the HMAC key).
 */
export function newSigningSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/**
 * The `webhook-signature` header of a delivery (Standard Webhooks, version 1): the base64 HMAC-SHA256,
 * under the secret's bytes, of `<webhook-id>.<webhook-timestamp>.<body>`.
 */
export function signDelivery(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}
