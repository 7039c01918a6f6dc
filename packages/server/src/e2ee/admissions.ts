import { randomBytes } from 'node:crypto';
import { decodeLeafCredential, fromBase64Url, keyPackageCredential, toBase64Url } from '@conclave/e2ee';
import { AppError } from '../common/errors';
import type { MediaLogger } from '../media/logger';
import type { DeliveryModel, Person } from './delivery-state';
import { LeafMap } from './leaves';

const b64 = toBase64Url;
const unb64 = fromBase64Url;

export const refused = (message: string) => new AppError(409, 'e2ee_refused', message);

/**
 * Who gets into an E2EE meeting's group, up to the point where a round can propose them: the anchor's
 * device (the meeting owner's) makes the group, is asked to admit each person who waits (or the person
 * comes with the admission it signed in the lobby), and each admitted person sends a key package that
 * names it. Checks here only keep honest clients in step: whether a leaf may join is every member's
 * own decision (docs/e2ee.md).
 */
export class Admissions {
  constructor(
    private readonly m: DeliveryModel,
    private readonly meetingId: string,
    private readonly logger: MediaLogger,
  ) {}

  /** The anchor's device made the group it was asked to make: it is the group's first member. */
  groupCreated(person: Person, groupId: string): void {
    if (this.m.creating?.by !== person.p.id || this.m.creating.groupId !== groupId) {
      throw refused('No group creation was asked of you');
    }
    this.m.creating = null;
    const leaves = new LeafMap();
    leaves.add(person.p.id);
    this.m.group = { id: unb64(groupId), epoch: 0n, leaves };
    person.stage = 'member';
    this.logger.info({ meetingId: this.meetingId }, 'E2EE group created');
    this.progress();
  }

  /** The anchor's device signed the admission of someone waiting. */
  admit(person: Person, participantId: string, admission: string): void {
    if (!this.isAnchor(person)) throw refused('Only the meeting owner’s device admits');
    const subject = this.m.people.get(participantId);
    if (subject?.stage !== 'requested' || !this.m.group) throw refused('Nobody by that id is waiting');
    this.sendAdmitted(subject, admission, this.m.group.id);
  }

  private sendAdmitted(subject: Person, admission: string, groupId: Uint8Array): void {
    subject.stage = 'admitted';
    subject.p.send({
      type: 'e2eeAdmitted',
      admission,
      groupId: b64(groupId),
      anchorKey: b64(this.m.anchorKey!),
    });
  }

  /** An admitted person's key package: it is proposed in the next round. */
  keyPackage(person: Person, keyPackage: Uint8Array): void {
    if (person.stage !== 'admitted') throw refused('Send a key package once admitted');
    // Only a shape check, so honest clients are not held up by a broken one: whether the leaf may
    // join is every member's own decision.
    const credential = keyPackageCredential(keyPackage);
    const leaf = credential && safely(() => decodeLeafCredential(credential));
    if (
      !leaf ||
      leaf.participantId !== person.p.id ||
      !Buffer.from(leaf.identityKey).equals(person.p.identityKey)
    ) {
      throw refused('This key package is not for you');
    }
    person.stage = 'keyed';
    person.keyPackage = keyPackage;
  }

  /** Creates the group when the anchor is here and there is none; asks the anchor to admit who waits. */
  progress(): void {
    // Admitted from the lobby with the anchor's signature: they need no one else to be here.
    if (this.m.group && this.m.anchorKey) {
      for (const person of this.m.people.values()) {
        if (person.stage === 'waiting' && person.p.admission) {
          this.sendAdmitted(person, person.p.admission, this.m.group.id);
        }
      }
    }
    const anchor = [...this.m.people.values()].find((person) => this.isAnchor(person));
    if (!anchor) return;
    if (!this.m.group) {
      if (this.m.creating) return;
      const groupId = b64(randomBytes(16));
      this.m.creating = { groupId, by: anchor.p.id };
      anchor.p.send({ type: 'e2eeCreateGroup', groupId });
      return;
    }
    for (const person of this.m.people.values()) {
      if (person.stage !== 'waiting' || person === anchor) continue;
      person.stage = 'requested';
      anchor.p.send({
        type: 'e2eeAdmissionRequest',
        participantId: person.p.id,
        displayName: person.p.displayName,
        identityKey: b64(person.p.identityKey),
      });
    }
  }

  isAnchor(person: Person): boolean {
    return this.m.anchorKey !== null && Buffer.from(person.p.identityKey).equals(this.m.anchorKey);
  }
}

function safely<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}
