import type { LeafRules } from '../mls/group';
import { CodecError } from '../codec';
import { decodeLeafCredential, verifyLeafCredential, type TrustContext } from './leaf-credential';

/** How recent an admission must be when its leaf is added (it stays valid for members afterwards). */
export const ADMISSION_MAX_AGE_MS = 5 * 60_000;
/** Tolerated clock difference between the admitter and the member checking. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Conclave's rules for MLS leaves: every leaf's credential must verify under the meeting's trust
 * context (identity binding + admission by the anchor), and an Add must carry a recent admission, so
 * a server replaying an old admission cannot bring back someone admitted long ago.
 */
export function leafRules(trust: TrustContext, now: () => number = Date.now): LeafRules {
  return {
    verify: async (credential, signatureKey) =>
      (await verifyLeafCredential(credential, signatureKey, trust)) !== null,
    mayAdd(credential) {
      try {
        const issuedAt = decodeLeafCredential(credential).admission.issuedAt;
        const age = now() - issuedAt;
        return age <= ADMISSION_MAX_AGE_MS && age >= -CLOCK_SKEW_MS;
      } catch (err) {
        if (err instanceof CodecError) return false;
        throw err;
      }
    },
  };
}
