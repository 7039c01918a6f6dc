import type { TrackSource } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MeetingRecord, Principal } from '../domain';
import type { MeetingMemory } from './meeting-memory';
import type { Participant } from './participant';
import { isModeratorByRole, personKey } from './roles';

/** What moderation needs of its room. */
export interface ModeratedRoom {
  readonly meeting: MeetingRecord;
  readonly participants: ReadonlyMap<string, Participant>;
  /** Stops the media server forwarding the participant's `source` and tells everyone it is muted. */
  forceMute(p: Participant, source: TrackSource): Promise<void>;
  /** Closes the participant's connections and keeps them out until admitted again. */
  remove(p: Participant, message: string): void;
  /** The participant's roster entry changed (it became or stopped being a moderator). */
  changed(p: Participant): void;
}

const forbidden = (message: string) => new AppError(403, 'forbidden', message);

/**
 * Who moderates: a participant, or the organisation itself through the platform API (docs/api.md),
 * named by `by` (the API key). The latter is in no roster and acts as a moderator by role does.
 */
export type ModerationActor = Participant | { server: string };

const nameOf = (actor: ModerationActor) => ('server' in actor ? actor.server : actor.displayName);

/**
 * Who moderates a meeting and what they may do to others (MEET-MODERATORS, MEET-MOD-MUTE,
 * MEET-MOD-REMOVE). Moderators by role act on everyone else; promoted moderators on everyone but
 * moderators by role and each other. "All" means everyone but the moderators.
 */
export class Moderation {
  /** People the owner (or a Superuser or Administrator) made moderators, for as long as the room lasts. */
  private readonly promoted = new Set<string>();
  /** What moderators muted and did not allow unmuting, by person: a new connection finds it muted. */
  private readonly locks = new Map<string, Map<TrackSource, string>>();

  constructor(private readonly room: ModeratedRoom) {}

  isModerator(principal: Principal): boolean {
    return isModeratorByRole(principal, this.room.meeting) || this.promoted.has(personKey(principal));
  }

  /** The sources a moderator keeps muted for this person. */
  locksOf(principal: Principal): Map<TrackSource, string> {
    const key = personKey(principal);
    let locks = this.locks.get(key);
    if (!locks) this.locks.set(key, (locks = new Map()));
    return locks;
  }

  /** The decisions it holds about people, to be kept beyond this node (NET-SCALE). */
  remembered(): Pick<MeetingMemory, 'promoted' | 'locks'> {
    return {
      promoted: [...this.promoted],
      locks: [...this.locks].flatMap(([person, sources]) =>
        [...sources].map(([source, moderatorName]) => ({ person, source, moderatorName })),
      ),
    };
  }

  /** Takes back the decisions an earlier room of the meeting made (on a node that is gone). */
  recall(memory: Pick<MeetingMemory, 'promoted' | 'locks'>): void {
    for (const key of memory.promoted) this.promoted.add(key);
    for (const { person, source, moderatorName } of memory.locks) {
      let locks = this.locks.get(person);
      if (!locks) this.locks.set(person, (locks = new Map()));
      locks.set(source, moderatorName);
    }
  }

  /** Reminds a participant who came back of what a moderator keeps muted. */
  remind(p: Participant): void {
    for (const [source, moderatorName] of p.muteLocks) {
      p.sink.send({ type: 'mutedByModerator', source, moderatorName, canUnmute: false });
    }
  }

  assertModerator(actor: Participant): void {
    if (!actor.moderator) throw forbidden('Only the meeting’s moderators may do this');
  }

  /** Mutes `source` of the targets; unless `allowUnmute`, they cannot unmute it themselves. */
  async mute(
    actor: ModerationActor,
    ids: string[] | undefined,
    source: TrackSource,
    allowUnmute: boolean,
  ): Promise<void> {
    for (const target of this.targets(actor, ids)) {
      if (allowUnmute) target.muteLocks.delete(source);
      else target.muteLocks.set(source, nameOf(actor));
      await this.room.forceMute(target, source);
      target.sink.send({
        type: 'mutedByModerator',
        source,
        moderatorName: nameOf(actor),
        canUnmute: allowUnmute,
      });
    }
  }

  /** Lets the targets (none named: everyone a moderator muted) unmute `source` again. */
  allowUnmute(actor: Participant, ids: string[] | undefined, source: TrackSource): void {
    this.assertModerator(actor);
    const targets = ids
      ? this.targets(actor, ids)
      : [...this.room.participants.values()].filter((p) => p.muteLocks.has(source));
    for (const target of targets) {
      if (!target.muteLocks.delete(source)) continue;
      target.sink.send({ type: 'unmuteAllowed', source, moderatorName: actor.displayName });
    }
  }

  remove(actor: ModerationActor, ids: string[] | undefined): void {
    for (const target of this.targets(actor, ids)) {
      this.promoted.delete(personKey(target.principal));
      this.room.remove(target, `${nameOf(actor)} removed you from the meeting`);
    }
  }

  /** Only moderators by role promote and demote; moderators by role stay moderators. */
  setModerator(actor: Participant, id: string, moderator: boolean): void {
    if (!isModeratorByRole(actor.principal, this.room.meeting)) {
      throw forbidden('Only the owner, Superusers and Administrators make others moderators');
    }
    const target = this.room.participants.get(id);
    if (!target) throw new AppError(404, 'not_found', 'Nobody by that id is in the meeting', 'participantId');
    if (isModeratorByRole(target.principal, this.room.meeting)) {
      throw new AppError(409, 'invalid_state', `${target.displayName} is a moderator by their role`);
    }
    const key = personKey(target.principal);
    if (moderator) this.promoted.add(key);
    else this.promoted.delete(key);
    if (target.moderator === moderator) return;
    target.moderator = moderator;
    this.room.changed(target);
  }

  /**
   * Whom a request names: those gone meanwhile are skipped; naming someone the actor may not act on
   * refuses the whole request before anything is done.
   */
  private targets(actor: ModerationActor, ids: string[] | undefined): Participant[] {
    if (!('server' in actor)) this.assertModerator(actor);
    const present = [...this.room.participants.values()];
    if (!ids) return present.filter((p) => p !== actor && !p.moderator);
    const byRole = 'server' in actor || isModeratorByRole(actor.principal, this.room.meeting);
    const targets = ids.flatMap((id) => this.room.participants.get(id) ?? []);
    for (const target of targets) {
      if (target === actor) continue;
      if (isModeratorByRole(target.principal, this.room.meeting) || (target.moderator && !byRole)) {
        throw forbidden(`${target.displayName} is a moderator: you cannot do this to them`);
      }
    }
    return targets;
  }
}
