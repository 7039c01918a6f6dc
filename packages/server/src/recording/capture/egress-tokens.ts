import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../../common/ids';
import type { EgressPrincipal, EgressTokenSource } from '../../domain';

/** What a recorder is launched for. */
export interface EgressGrant {
  meetingId: string;
  organisationId: string;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The tokens of the recorders this node launched (REC-START): one per capture, random, kept only as
 * its hash, good for one meeting and only until the capture ends. The recorder joins the meeting with
 * it and sends its media back with it; nobody else can come by one (no API issues them).
 */
export class EgressTokens implements EgressTokenSource {
  private readonly live = new Map<string, EgressPrincipal>();

  issue(grant: EgressGrant, now: Date): { token: string; principal: EgressPrincipal } {
    const token = randomBytes(32).toString('base64url');
    const principal: EgressPrincipal = {
      kind: 'egress',
      egressId: newId(now.getTime()),
      organisationId: grant.organisationId,
      meetingId: grant.meetingId,
      displayName: 'Recorder',
    };
    this.live.set(hash(token), principal);
    return { token, principal };
  }

  principalFromEgressToken(token: string): EgressPrincipal | null {
    return this.live.get(hash(token)) ?? null;
  }

  /** The capture ended: its token opens nothing any more. */
  revoke(token: string): void {
    this.live.delete(hash(token));
  }
}
