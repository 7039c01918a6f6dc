import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';

/** RFC 4648 base32 without I, L, O, U-confusion: Crockford's alphabet reads aloud and types cleanly. */
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const RECOVERY_CODE_COUNT = 10;

export const newTotpSecret = (): string => generateSecret({ length: 20 });

export const totpUri = (secret: string, account: string, issuer: string): string =>
  generateURI({ issuer, label: account, secret });

/**
 * The time step a code from the app stands for at `now`, or null. One step (30 s) either side is
 * allowed for clocks and typing; a step at or before `after` is refused, so a code serves once.
 */
export async function totpStep(
  secret: string,
  code: string,
  now: Date,
  after: number | null,
): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: 30,
    ...(after !== null && { afterTimeStep: after }),
  });
  // The functional verify answers for HOTP too; a TOTP match carries its time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** Ten codes of 16 characters (80 random bits each), grouped by four: xxxx-xxxx-xxxx-xxxx. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(16);
    const chars = [...bytes].map((b) => CROCKFORD[b % 32]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** Codes are compared by hash, however they were typed (case, dashes, spaces). */
export function recoveryCodeHash(code: string): string {
  const canonical = code
    .toLowerCase()
    .replace(/[\s-]/g, '')
    .replace(/[io]/g, (c) => (c === 'i' ? '1' : '0'))
    .replace(/l/g, '1');
  return createHash('sha256').update(`recovery:${canonical}`).digest('hex');
}
