import { timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_HEADER } from '@conclave/protocol';
import type { Clock } from '../common/clock';
import { AppError, unauthorized } from '../common/errors';
import type { UserPrincipal } from '../domain';
import { deviceLabel } from './device-label';
import { DEVICE_TTL_MS } from './devices';
import type { IssuedSession } from './service';
import { principalOf, type ActiveSession, type SessionStore } from './sessions';

const SESSION_COOKIE = 'conclave_session';
/** Marks a browser where its user signed in before (see devices.ts); read only by sign-in. */
const DEVICE_COOKIE = 'conclave_device';
const DEVICE_COOKIE_PATH = '/api/auth';
/** Lax, so that it comes along on the top-level redirect back from the identity provider. */
const SSO_COOKIE = 'conclave_sso';
const SSO_COOKIE_PATH = '/api/auth/sso';
const CHALLENGE_COOKIE = 'conclave_signin';
const CHALLENGE_COOKIE_PATH = '/api/auth/sign-in';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** All a session may do while the organisation waits for its person to set up a second factor. */
const SECOND_FACTOR_SETUP_ROUTES = new Set([
  'GET /api/auth/session',
  'GET /api/account',
  'POST /api/account/totp',
  'POST /api/account/totp/confirm',
  'POST /api/account/passkeys/options',
  'POST /api/account/passkeys',
]);

/**
 * Binds sessions to requests: reads the cookie, enforces CSRF on cookie-authenticated writes, and
 * sets or clears the cookie. Routes use `requireUser` as a preHandler and then `session(request)`.
 */
export class Authenticator {
  private readonly bound = new WeakMap<FastifyRequest, ActiveSession>();
  private readonly secure: boolean;

  constructor(
    private readonly sessions: SessionStore,
    private readonly clock: Clock,
    publicUrl: string,
  ) {
    this.secure = publicUrl.startsWith('https:');
  }

  /** preHandler: 401 without a live session, 403 csrf_failed for a write without the session's CSRF token. */
  readonly requireUser = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const session = await this.sessionFromRequest(request);
    if (!session) {
      if (tokenOf(request)) this.clearCookie(reply);
      throw unauthorized('Sign in first');
    }
    this.checkCsrf(request, session);
    if (
      session.secondFactorSetup &&
      !SECOND_FACTOR_SETUP_ROUTES.has(`${request.method} ${request.routeOptions.url}`)
    ) {
      throw new AppError(403, 'second_factor_setup_required', 'Set up two-step verification first');
    }
    if (session.extended) this.renewCookie(reply, request, session);
    this.bound.set(request, session);
  };

  /** The session that `requireUser` found for this request. */
  session(request: FastifyRequest): ActiveSession {
    const session = this.bound.get(request);
    if (!session) throw new Error('requireUser did not run for this route');
    return session;
  }

  principal(request: FastifyRequest): UserPrincipal {
    return principalOf(this.session(request));
  }

  /** Who did what, from where: the request's person and client address, as the audit log takes them. */
  actor(request: FastifyRequest): { principal: UserPrincipal; clientIp: string } {
    return { principal: this.principal(request), clientIp: request.ip };
  }

  /**
   * Who the request's session is, on a route open to everyone that serves the signed-in more (e.g. a
   * recording shared with them); null without a session, or one that must set up a second factor
   * first. Only for reads: it does not check CSRF.
   */
  async optionalPrincipal(request: FastifyRequest): Promise<UserPrincipal | null> {
    const session = await this.sessionFromRequest(request);
    return session && !session.secondFactorSetup ? principalOf(session) : null;
  }

  /** The live session behind the request's cookie, or null. Does not check CSRF. */
  async sessionFromRequest(request: FastifyRequest): Promise<ActiveSession | null> {
    const token = tokenOf(request);
    return token ? this.sessions.resolve(token, deviceLabel(request.headers['user-agent'])) : null;
  }

  checkCsrf(request: FastifyRequest, session: ActiveSession): void {
    if (!UNSAFE_METHODS.has(request.method)) return;
    const header = request.headers[CSRF_HEADER];
    if (typeof header !== 'string' || !sameSecret(header, session.csrfToken)) {
      throw new AppError(
        403,
        'csrf_failed',
        `This request needs the ${CSRF_HEADER} header with the session's CSRF token`,
      );
    }
  }

  /**
   * Puts a new session into the browser: its cookie, and the trusted-device cookie when the sign-in
   * made one (so that strangers' failures never lock this browser out).
   */
  startSession(reply: FastifyReply, issued: IssuedSession): void {
    this.setCookie(reply, issued.token, issued.expiresAt);
    if (issued.deviceToken) this.setDeviceCookie(reply, issued.deviceToken);
  }

  /** Max-Age rather than Expires, so a browser with a wrong clock keeps the cookie as long as we do. */
  private setCookie(reply: FastifyReply, token: string, expiresAt: Date): void {
    const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - this.clock.now().getTime()) / 1000));
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      maxAge,
    });
  }

  private setDeviceCookie(reply: FastifyReply, token: string): void {
    reply.setCookie(DEVICE_COOKIE, token, {
      path: DEVICE_COOKIE_PATH,
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      maxAge: Math.floor(DEVICE_TTL_MS / 1000),
    });
  }

  /** The cookie that names a single sign-on attempt while the browser is at the identity provider. */
  setSsoCookie(reply: FastifyReply, token: string | null): void {
    const options = { path: SSO_COOKIE_PATH, httpOnly: true, sameSite: 'lax' as const, secure: this.secure };
    if (token === null) reply.clearCookie(SSO_COOKIE, options);
    else reply.setCookie(SSO_COOKIE, token, { ...options, maxAge: 10 * 60 });
  }

  /** The cookie that holds a sign-in awaiting its second factor (5 minutes, only for that request). */
  setChallengeCookie(reply: FastifyReply, token: string | null, expiresAt?: Date): void {
    const options = {
      path: CHALLENGE_COOKIE_PATH,
      httpOnly: true,
      sameSite: 'strict' as const,
      secure: this.secure,
    };
    if (token === null) reply.clearCookie(CHALLENGE_COOKIE, options);
    else {
      const maxAge = Math.max(
        0,
        Math.floor(((expiresAt?.getTime() ?? 0) - this.clock.now().getTime()) / 1000),
      );
      reply.setCookie(CHALLENGE_COOKIE, token, { ...options, maxAge });
    }
  }

  challengeToken(request: FastifyRequest): string | undefined {
    return request.cookies[CHALLENGE_COOKIE] || undefined;
  }

  ssoToken(request: FastifyRequest): string | undefined {
    return request.cookies[SSO_COOKIE] || undefined;
  }

  deviceToken(request: FastifyRequest): string | undefined {
    return request.cookies[DEVICE_COOKIE] || undefined;
  }

  clearCookie(reply: FastifyReply): void {
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure });
  }

  private renewCookie(reply: FastifyReply, request: FastifyRequest, session: ActiveSession): void {
    const token = tokenOf(request);
    if (token) this.setCookie(reply, token, session.expiresAt);
  }
}

/** The session token from the cookie; also works on requests that @fastify/cookie has not parsed. */
export function tokenOf(request: FastifyRequest): string | undefined {
  const parsed = (request as { cookies?: Record<string, string | undefined> }).cookies;
  if (parsed) return parsed[SESSION_COOKIE] || undefined;
  const header = request.headers.cookie;
  return header ? fastifyCookie.parse(header)[SESSION_COOKIE] || undefined : undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
