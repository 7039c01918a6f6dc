import type { FastifyRequest } from 'fastify';
import type { GuestPrincipal, MeetingRecord, PrincipalSource, RoomPrincipal, UserPrincipal } from '../domain';
import { tokenOf } from './http';
import type { AuthService } from './service';
import { principalOf } from './sessions';

/**
 * Who holds a signaling socket: the session cookie of the upgrade request, its room cookie (a room
 * system's screen), or a guest token from the join message. Sessions are resolved afresh each call,
 * so a signed-out session or a revoked room system is refused at once.
 */
export class PrincipalResolver implements PrincipalSource {
  constructor(
    private readonly auth: AuthService,
    /** The room system behind a request's room cookie (room-systems/); none without it. */
    private readonly rooms: (request: FastifyRequest) => Promise<RoomPrincipal | null> = async () => null,
  ) {}

  roomFromRequest(request: FastifyRequest): Promise<RoomPrincipal | null> {
    return this.rooms(request);
  }

  async principalFromRequest(request: FastifyRequest): Promise<UserPrincipal | null> {
    const token = tokenOf(request);
    const session = token ? await this.auth.sessions.resolve(token) : null;
    // A session that must set up a second factor first joins no meeting.
    return session && !session.secondFactorSetup ? principalOf(session) : null;
  }

  principalFromGuestToken(token: string): Promise<GuestPrincipal | null> {
    return this.auth.guests.resolve(token);
  }

  limitNewGuests(clientIp: string): Promise<void> {
    return this.auth.limitGuestRequests(clientIp);
  }

  async newGuest(meeting: MeetingRecord, displayName: string) {
    const { principal, token } = await this.auth.issueGuest(meeting, displayName);
    return { principal, token };
  }
}
