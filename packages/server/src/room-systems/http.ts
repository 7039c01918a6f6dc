import fastifyCookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The screen's session (ADM-ROOMS): its own cookie, so a person signed in on the same browser is apart. */
const ROOM_COOKIE = 'conclave_room';
/** The secret of a screen's pending pairing, only for the pairing endpoint. */
const PAIRING_COOKIE = 'conclave_pairing';
const PAIRING_COOKIE_PATH = '/api/room-systems/pairing';
/** Browsers keep a cookie at most 400 days; each check-in renews it, so a screen in use keeps it. */
const ROOM_COOKIE_MAX_AGE_S = 400 * 24 * 3600;
/** A code's 10 minutes, and as long again to take the session after it was entered. */
const PAIRING_COOKIE_MAX_AGE_S = 20 * 60;

/** The room and pairing cookies: HttpOnly, SameSite=Strict, Secure behind https. */
export class RoomCookies {
  private readonly secure: boolean;

  constructor(publicUrl: string) {
    this.secure = publicUrl.startsWith('https:');
  }

  setRoom(reply: FastifyReply, token: string): void {
    reply.setCookie(ROOM_COOKIE, token, { ...this.options('/'), maxAge: ROOM_COOKIE_MAX_AGE_S });
  }

  clearRoom(reply: FastifyReply): void {
    reply.clearCookie(ROOM_COOKIE, this.options('/'));
  }

  setPairing(reply: FastifyReply, token: string): void {
    reply.setCookie(PAIRING_COOKIE, token, {
      ...this.options(PAIRING_COOKIE_PATH),
      maxAge: PAIRING_COOKIE_MAX_AGE_S,
    });
  }

  clearPairing(reply: FastifyReply): void {
    reply.clearCookie(PAIRING_COOKIE, this.options(PAIRING_COOKIE_PATH));
  }

  pairingToken(request: FastifyRequest): string | undefined {
    return request.cookies[PAIRING_COOKIE] || undefined;
  }

  private options(path: string) {
    return { path, httpOnly: true, sameSite: 'strict' as const, secure: this.secure };
  }
}

/** The room session token; also works on requests @fastify/cookie has not parsed (socket upgrades). */
export function roomTokenOf(request: FastifyRequest): string | undefined {
  const parsed = (request as { cookies?: Record<string, string | undefined> }).cookies;
  if (parsed) return parsed[ROOM_COOKIE] || undefined;
  const header = request.headers.cookie;
  return header ? fastifyCookie.parse(header)[ROOM_COOKIE] || undefined : undefined;
}
