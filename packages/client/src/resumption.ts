import type { ServerMessageOf } from '@conclave/protocol';
import type { ResumeJoin } from './resume';

/** Where a resume is set up: the session's signaling link. */
interface ResumableLink {
  resumeWith(join: ResumeJoin | null): void;
}

/** Who is joining, as a resume asks again: the meeting, the guest token, the device's identity key. */
export type Identity = Omit<ResumeJoin, 'resume'>;

/**
 * How a session's place in the meeting is taken up again on another socket (NET-SCALE), as the server
 * allows it: the wait in the lobby with the token of `waiting`; the participation, once live, with the
 * token of `joined` (a fresh one after each resume). Between the two, nothing: a socket lost then ends
 * the session, and the room joins afresh.
 */
export class Resumption {
  private participantId: string | null = null;
  private token: string | null = null;
  private as: Identity | null = null;
  private live = false;

  constructor(private readonly link: ResumableLink) {}

  /** The lobby holds the join: a lost socket takes the wait up again, as the guest `waiting` named. */
  waiting(waiting: ServerMessageOf<'waiting'>, as: Identity): void {
    const { participantId, resumeToken: token, guestToken } = waiting;
    if (token === undefined) return;
    this.link.resumeWith({
      ...as,
      ...(guestToken !== undefined && { guestToken }),
      resume: { participantId, token },
    });
  }

  /** `joined` came (at once or from the lobby): its token waits until the session is live. */
  joined(joined: ServerMessageOf<'joined'>, as: Identity): void {
    this.link.resumeWith(null);
    this.participantId = joined.participantId;
    this.token = joined.resumeToken ?? null;
    // A guest who named themselves is the guest of the token `joined` issued.
    const guestToken = joined.guestToken ?? as.guestToken;
    this.as = { ...as, ...(guestToken !== undefined && { guestToken }) };
  }

  /** Joined and published. */
  goLive(): void {
    this.live = true;
    this.allow();
  }

  /**
   * The participation was taken up again (or moved unasked): true when it is this session's, whose
   * token is then the one `joined` brought.
   */
  resumed(joined: ServerMessageOf<'joined'>): boolean {
    if (joined.participantId !== this.participantId) return false;
    this.token = joined.resumeToken ?? null;
    this.allow();
    return true;
  }

  private allow(): void {
    const { participantId, token, as } = this;
    if (!this.live) return;
    this.link.resumeWith(
      participantId !== null && token !== null && as ? { ...as, resume: { participantId, token } } : null,
    );
  }
}
