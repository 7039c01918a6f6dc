import type { FastifyRequest } from 'fastify';
import type { GuestPrincipal, PrincipalSource, UserPrincipal } from '../domain';
import type { GuestTokenStore } from './guests';
import { tokenOf } from './http';
import { principalOf, type SessionStore } from './sessions';

/**
 * Who holds a signaling socket: the session cookie of the upgrade request, or a guest token from the
 * join message. Sessions are resolved afresh each call, so a signed-out session is refused at once.
 */
export class PrincipalResolver implements PrincipalSource {
  constructor(
    private readonly sessions: SessionStore,
    private readonly guests: GuestTokenStore,
  ) {}

  async principalFromRequest(request: FastifyRequest): Promise<UserPrincipal | null> {
    const token = tokenOf(request);
    const session = token ? await this.sessions.resolve(token) : null;
    return session ? principalOf(session) : null;
  }

  principalFromGuestToken(token: string): Promise<GuestPrincipal | null> {
    return this.guests.resolve(token);
  }
}
