import { AppError, RateLimitError } from '../common/errors';
import {
  describeWait,
  type BackoffLimiter,
  type BackoffRule,
  type Limiters,
  type RateLimitDecision,
  type RateLimitRule,
  type WindowLimiter,
} from '../common/rate-limit';
import { hashPassword, verifyPassword } from '../auth';
import { may } from '../access';
import type { MeetingEntry, MeetingRecord, Principal } from '../domain';

export interface PasscodeLimits {
  /**
   * Wrong passcodes from one client address for one meeting: a few free, then growing waits. This is
   * what one guesser meets, and it slows no one else.
   */
  perClient: BackoffRule;
  /**
   * Wrong passcodes for one meeting from anywhere: the cap on guessing from many addresses. Right
   * ones are given back. Reaching it makes everyone without an exemption wait, the price of a bound
   * on a 4-digit passcode (10,000 guesses take this cap's window times 10,000 / limit).
   */
  perMeeting: RateLimitRule;
}

const defaultPasscodeLimits: PasscodeLimits = {
  perClient: { free: 5, initialDelayMs: 30_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 3600_000 },
  perMeeting: { limit: 20, windowMs: 60_000 },
};

/** Argon2id, as for account passwords: a stolen database does not give the passcodes away cheaply. */
export function hashPasscode(passcode: string): Promise<string> {
  return hashPassword(passcode);
}

/**
 * The passcode check of MEET-PASSCODE at the door of a meeting (the signaling join). The owner,
 * Superusers and Administrators of the meeting's organisation need none, nor do the guests an API
 * key's system let in (POST /api/v1/meetings/{id}/guests). Every attempt is counted
 * against both limits before the (expensive) hash is checked, so parallel guesses are bounded like a
 * sequence; a right passcode gives its counts back. The counts live where `limiters` keeps them, like
 * the sign-in limits: this process, or Redis shared by every node.
 */
export class PasscodeGate implements MeetingEntry {
  private readonly perClient: BackoffLimiter;
  private readonly perMeeting: WindowLimiter;

  constructor(limiters: Limiters, limits: PasscodeLimits = defaultPasscodeLimits) {
    this.perClient = limiters.backoff('passcode:client-meeting', limits.perClient);
    this.perMeeting = limiters.window('passcode:meeting', limits.perMeeting);
  }

  async admit(
    meeting: MeetingRecord,
    principal: Principal | null,
    passcode: string | undefined,
    clientAddress: string,
  ): Promise<void> {
    if (meeting.passcodeHash === null || exempt(meeting, principal)) return;
    if (passcode === undefined) {
      throw new AppError(401, 'passcode_required', 'This meeting needs a passcode', 'passcode');
    }
    const clientKey = `${meeting.id}\n${clientAddress}`;
    refuseUnlessAllowed(await this.perClient.reserve(clientKey));
    const meetingDecision = await this.perMeeting.consume(meeting.id);
    // The per-client reservation stands even then: the attempt was made.
    refuseUnlessAllowed(meetingDecision);
    if (!(await verifyPassword(meeting.passcodeHash, passcode))) {
      throw new AppError(403, 'passcode_wrong', 'That is not the passcode of this meeting', 'passcode');
    }
    await Promise.all([this.perClient.succeeded(clientKey), this.perMeeting.refund(meeting.id)]);
  }
}

function exempt(meeting: MeetingRecord, principal: Principal | null): boolean {
  // A guest the organisation's own system let in through the platform API (docs/sdk.md).
  if (principal?.kind === 'guest' && principal.apiKeyId !== undefined) return true;
  // A SIP or phone caller: the gateway checked the passcode on the call, by this same gate.
  if (principal?.kind === 'guest' && principal.via !== undefined) return true;
  if (principal?.kind !== 'user' || principal.organisationId !== meeting.organisationId) return false;
  return may(principal, 'meeting.manage', { kind: 'meeting', ownerId: meeting.ownerId });
}

function refuseUnlessAllowed(decision: RateLimitDecision): void {
  if (decision.allowed) return;
  throw new RateLimitError(
    `Too many wrong passcodes. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
    decision.retryAfterSeconds,
  );
}
