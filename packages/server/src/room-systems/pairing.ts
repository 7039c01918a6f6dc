import { randomBytes } from 'node:crypto';
import {
  PAIRING_ALPHABET,
  PAIRING_CODE_LENGTH,
  type PairingStartView,
  type PairingStatusView,
} from '@conclave/protocol';
import type { Clock } from '../common/clock';
import { AppError, RateLimitError } from '../common/errors';
import { hashToken, newId, newSecretToken } from '../common/ids';
import { describeWait, type Limiters, type RateLimitRule, type WindowLimiter } from '../common/rate-limit';
import { isUniqueViolation } from '../db';
import type { DomainEvents } from '../domain';
import type { RoomSystemStore } from './store';

export interface PairingLimits {
  /** How long a code is shown before the screen must ask for another. */
  codeTtlMs: number;
  /** New codes one client address may ask for (a building's screens may share one address). */
  perAddress: RateLimitRule;
  /** Codes shown at once across the installation: beyond, new screens wait (a bounded table). */
  maxPending: number;
  /** Wrong codes one administrator may enter, and from one address: guessing 40 bits stays hopeless. */
  wrongCodesPerUser: RateLimitRule;
  wrongCodesPerAddress: RateLimitRule;
}

export const defaultPairingLimits: PairingLimits = {
  codeTtlMs: 10 * 60_000,
  perAddress: { limit: 30, windowMs: 10 * 60_000 },
  maxPending: 1000,
  wrongCodesPerUser: { limit: 10, windowMs: 15 * 60_000 },
  wrongCodesPerAddress: { limit: 30, windowMs: 15 * 60_000 },
};

/** An entered code leaves its screen this long to come and take its session (it asks every 2 s). */
const CLAIMED_TTL_MS = 10 * 60_000;

/** A session token issued to a screen, for its room cookie. */
export interface IssuedRoomSession {
  token: string;
  roomSystemId: string;
}

/**
 * Pairing (ADM-ROOMS): a screen without an account asks for a code, shown on it, and keeps the
 * secret that goes with it in its pairing cookie; an administrator enters the code; the screen's
 * next poll, with that secret, takes the room system's session. A code is used once, and only the
 * screen that asked for it can take what it leads to.
 */
export class RoomPairing {
  private readonly perAddress: WindowLimiter;
  private readonly wrongPerUser: WindowLimiter;
  private readonly wrongPerAddress: WindowLimiter;

  constructor(
    private readonly store: RoomSystemStore,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    limiters: Limiters,
    private readonly limits: PairingLimits = defaultPairingLimits,
  ) {
    this.perAddress = limiters.window('rooms:pairing', limits.perAddress);
    this.wrongPerUser = limiters.window('rooms:code-user', limits.wrongCodesPerUser);
    this.wrongPerAddress = limiters.window('rooms:code-address', limits.wrongCodesPerAddress);
  }

  /** A new code for a screen, with the secret its pairing cookie keeps. Counted before any work. */
  async start(clientIp: string): Promise<PairingStartView & { deviceToken: string }> {
    refuseUnlessAllowed(await this.perAddress.consume(clientIp), 'Too many pairing codes from your address');
    const now = this.clock.now();
    await this.store.deleteExpiredPairings(now.toISOString());
    if ((await this.store.countPendingPairings(now.toISOString())) >= this.limits.maxPending) {
      throw new RateLimitError('Too many screens are waiting to be paired. Try again in a minute.', 60);
    }
    const expiresAt = new Date(now.getTime() + this.limits.codeTtlMs).toISOString();
    for (let attempt = 0; ; attempt++) {
      const code = newPairingCode();
      const deviceToken = newSecretToken();
      try {
        await this.store.addPairing({
          id: newId(now.getTime()),
          codeHash: hashToken(code),
          deviceTokenHash: hashToken(deviceToken),
          createdAt: now.toISOString(),
          expiresAt,
        });
        return { code, expiresAt, deviceToken };
      } catch (err) {
        // Another screen shows this code just now (1 in 2^40 per pending code): draw again.
        if (!isUniqueViolation(err) || attempt >= 2) throw err;
      }
    }
  }

  /**
   * Where the screen holding `deviceToken` stands; once its code was entered, it takes the room
   * system's session (returned, for its cookie) and the pairing is used up.
   */
  async status(
    deviceToken: string | undefined,
  ): Promise<{ view: Exclude<PairingStatusView, { state: 'paired' }> } | { session: IssuedRoomSession }> {
    const expired = { view: { state: 'expired' as const } };
    if (!deviceToken || deviceToken.length > 256) return expired;
    const pairing = await this.store.pairingOfDevice(hashToken(deviceToken), this.clock.now().toISOString());
    if (!pairing) return expired;
    if (pairing.roomSystemId === null) {
      // The code itself is not stored: the screen shows the one it was given.
      return { view: { state: 'pending', expiresAt: pairing.expiresAt } };
    }
    const token = newSecretToken();
    const taken = await this.store.takeSession(pairing.id, pairing.roomSystemId, {
      id: newId(this.clock.now().getTime()),
      tokenHash: hashToken(token),
    });
    if (!taken) return expired;
    // Pairing a screen again replaces the one before.
    if (taken.previousSessionId) this.events.publish('sessionEnded', taken.previousSessionId);
    return { session: { token, roomSystemId: pairing.roomSystemId } };
  }

  /**
   * Refuses (400 pairing_code_invalid) unless a code shown now matches, counting the attempt against
   * the administrator and their address first; a right code is given back.
   */
  async checkCode(code: string, userId: string, clientIp: string): Promise<void> {
    const tooMany = 'Too many wrong pairing codes';
    refuseUnlessAllowed(await this.wrongPerUser.consume(userId), tooMany);
    refuseUnlessAllowed(await this.wrongPerAddress.consume(clientIp), tooMany);
    if (!(await this.store.hasPendingCode(hashToken(code), this.clock.now().toISOString()))) {
      throw invalidCode();
    }
    await Promise.all([this.wrongPerUser.refund(userId), this.wrongPerAddress.refund(clientIp)]);
  }

  /** Gives the screen showing `code` to this room system; false if the code was taken meanwhile. */
  async claim(code: string, roomSystemId: string): Promise<boolean> {
    const now = this.clock.now();
    return this.store.claimPairing(
      hashToken(code),
      roomSystemId,
      now.toISOString(),
      new Date(now.getTime() + CLAIMED_TTL_MS).toISOString(),
    );
  }
}

export const invalidCode = () =>
  new AppError(
    400,
    'pairing_code_invalid',
    'No screen shows this code: check it, or refresh the code on the screen',
    'code',
  );

/** 8 characters of Crockford base32 from 40 random bits. */
function newPairingCode(): string {
  const bits = randomBytes(5).reduce((n, byte) => n * 256n + BigInt(byte), 0n);
  let code = '';
  for (let i = PAIRING_CODE_LENGTH - 1; i >= 0; i--) {
    code += PAIRING_ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  }
  return code;
}

function refuseUnlessAllowed(
  decision: { allowed: true } | { allowed: false; retryAfterSeconds: number },
  what: string,
): void {
  if (decision.allowed) return;
  throw new RateLimitError(
    `${what}. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
    decision.retryAfterSeconds,
  );
}
