import type { E2eeState } from '@conclave/client';

/** How the stage shows this client's place in the meeting's encrypted group. */
export interface E2eeStatusView {
  /** Short: the top bar's indicator. */
  label: string;
  /** One or two sentences: the Verify dialog, and the warning banner when something is wrong. */
  detail: string;
  /** `secure` only as a member; `danger` when this client is out of the group for good. */
  tone: 'pending' | 'secure' | 'danger';
}

/** What each E2EE status means to the person in the meeting (null: the group is not joined yet). */
export function describeE2ee(state: E2eeState | null): E2eeStatusView {
  switch (state?.status ?? 'waiting') {
    case 'waiting':
      return {
        label: 'Securing…',
        detail:
          "Waiting to be let into the encrypted group. The meeting owner's device lets people in: while the owner is away, everyone waits.",
        tone: 'pending',
      };
    case 'joining':
      return {
        label: 'Securing…',
        detail: 'Let in; receiving the keys of the encrypted group.',
        tone: 'pending',
      };
    case 'member':
      return {
        label: 'End-to-end encrypted',
        detail: "Sound and video are encrypted with keys only the participants' devices hold.",
        tone: 'secure',
      };
    case 'removed':
      return {
        label: 'Not in the encrypted group',
        detail:
          'You were removed from the encrypted group: you can no longer see or hear the others, and they cannot see or hear you. Leave and join again.',
        tone: 'danger',
      };
    case 'refused':
      return {
        label: 'Encryption check failed',
        detail:
          'Your browser refused the encrypted group the server offered, because it failed its checks. Nothing was decrypted. Leave, and tell the meeting owner.',
        tone: 'danger',
      };
  }
}
