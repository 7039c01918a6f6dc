import { randomInt } from 'node:crypto';
import {
  ID_PATTERN,
  type CreateMeetingRequest,
  type DefaultLayout,
  type MeetingInvitee,
  type MeetingPublicView,
  type MeetingRoomSystem,
  type MeetingView,
  type UpdateMeetingRequest,
} from '@conclave/protocol';
import { authorize, may, ORGANISATION } from '../access';
import {
  meetingJoinUrl,
  type DomainEvents,
  type LiveMeetings,
  type MeetingLifecycle,
  type UserPrincipal,
} from '../domain';
import type { Clock } from '../common/clock';
import { AppError, notFound } from '../common/errors';
import { newId } from '../common/ids';
import { isUniqueViolation } from '../db';
import { roomSystemTarget } from '../room-systems';
import { hashPasscode } from './passcodes';
import type { Meeting, MeetingStore } from './store';

/** Six digits without a leading zero, so it reads and dials the same everywhere. */
const randomExtension = (): string => String(randomInt(100_000, 1_000_000));

const MAX_EXTENSION_ATTEMPTS = 20;

const meetingNotFound = () => notFound('There is no meeting at this link', 'meeting_not_found');
const meetingEnded = () =>
  new AppError(410, 'meeting_ended', 'This one-time meeting has ended; its link cannot be used again');

/** How long an ended one-time meeting's link still says "ended" rather than "no such meeting". */
const ENDED_MARK_MS = 90 * 24 * 3600_000;

export interface OneTimeOptions {
  /** A one-time meeting nobody has joined is deleted this long after it was made (MEET-ONETIME). */
  unusedForMs: number;
}

/**
 * Meetings belong to their owner; Superusers and Administrators of the organisation manage, hide and
 * delete any of them (ROLE-MATRIX, `meeting.manage`). The people a meeting invites see it and nothing
 * more (`meeting.view`, ADM-INVITE): anything else they ask is refused with 403. Anyone else gets 404
 * meeting_not_found, exactly as for a meeting that does not exist, so IDs cannot be probed.
 */
export class MeetingService implements MeetingLifecycle {
  constructor(
    private readonly store: MeetingStore,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly publicUrl: string,
    private readonly nextExtension: () => string = randomExtension,
    private readonly oneTime: OneTimeOptions = { unusedForMs: 30 * 24 * 3600_000 },
    /** The organisation's default meeting layout (its settings), told on the join page. */
    private readonly defaultLayoutOf: (organisationId: string) => Promise<DefaultLayout> = () =>
      Promise.resolve('gallery'),
  ) {}

  async create(owner: UserPrincipal, input: CreateMeetingRequest): Promise<MeetingView> {
    const now = this.clock.now();
    const inviteeIds = await this.checkedInvitees(owner.organisationId, owner.userId, input.inviteeIds ?? []);
    const roomSystemIds = await this.checkedRoomSystems(owner, [], input.roomSystemIds ?? []);
    for (let attempt = 0; attempt < MAX_EXTENSION_ATTEMPTS; attempt++) {
      const meeting: Meeting = {
        id: newId(now.getTime()),
        organisationId: owner.organisationId,
        ownerId: owner.userId,
        name: input.name,
        description: input.description ?? '',
        extension: this.nextExtension(),
        e2ee: input.e2ee ?? false,
        e2eeAnchorKey: null,
        passcodeHash: null,
        oneTime: input.oneTime ?? false,
        startedAt: null,
        hidden: input.oneTime ?? false,
        lobby: input.lobby ?? 'off',
        recordingByModerators: false,
        streaming: false,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        schedule: input.schedule ?? null,
      };
      try {
        await this.store.insert(meeting, inviteeIds, roomSystemIds);
        return await this.viewFor(owner, meeting);
      } catch (err) {
        // The extension is taken in this organisation: draw another.
        if (!isUniqueViolation(err)) throw err;
      }
    }
    throw new AppError(409, 'conflict', 'Could not find a free meeting extension; try again');
  }

  /** The caller's own meetings, then those they are invited to (ADM-INVITE), each newest first. */
  async listMine(caller: UserPrincipal): Promise<MeetingView[]> {
    const [owned, invited] = await Promise.all([
      this.store.listByOwner(caller.organisationId, caller.userId),
      this.store.listInvited(caller.organisationId, caller.userId),
    ]);
    return [
      ...(await this.managedViews(owned)),
      ...(await Promise.all(invited.map((m) => this.viewFor(caller, m)))),
    ];
  }

  /**
   * Every meeting of the organisation, newest first, a page at a time (the platform API): for those
   * who manage any meeting (`meetings.list`).
   */
  async listOfOrganisation(
    caller: UserPrincipal,
    query: { ownerId?: string | undefined; before?: string | undefined; limit: number },
  ): Promise<{ meetings: MeetingView[]; next: string | null }> {
    authorize(caller, 'meetings.list', ORGANISATION, 'Only Superusers and Administrators list every meeting');
    // One more than asked tells whether there is a next page.
    const found = await this.store.listByOrganisation(caller.organisationId, {
      ...query,
      limit: query.limit + 1,
    });
    const page = found.slice(0, query.limit);
    return {
      meetings: await this.managedViews(page),
      next: found.length > query.limit ? page.at(-1)!.id : null,
    };
  }

  /**
   * The meeting, if the caller moderates it by their role (`meeting.moderate`: its owner, managers);
   * for what is done to it while it runs. Others: 404, or 403 for its invitees, as for managing it.
   */
  async moderated(caller: UserPrincipal, id: string): Promise<Meeting> {
    const meeting = await this.visible(caller, id);
    if (may(caller, 'meeting.moderate', { kind: 'meeting', ownerId: meeting.ownerId })) return meeting;
    throw new AppError(403, 'forbidden', 'Only the meeting’s moderators may do this');
  }

  async get(caller: UserPrincipal, id: string): Promise<MeetingView> {
    return this.viewFor(caller, await this.visible(caller, id));
  }

  /**
   * The meeting, if the caller may see it (`meeting.view`): its owner, managers, its invitees. For
   * what only they may see, its invitation for instance (calendar/).
   */
  async visible(caller: UserPrincipal, id: string): Promise<Meeting> {
    const meeting = await this.ofOrganisation(caller, id);
    const target = { kind: 'meeting', ownerId: meeting.ownerId } as const;
    if (may(caller, 'meeting.view', target)) return meeting;
    const invited = await this.store.isInvitee(meeting.id, caller.userId);
    if (may(caller, 'meeting.view', { ...target, invited })) return meeting;
    throw meetingNotFound();
  }

  /**
   * Applies the owner's (or a Superuser's or Administrator's) changes. Switching E2EE
   * is refused while anyone is in the meeting: they joined under the old setting, and their media room
   * keeps it until it closes. Asking for the value the meeting already has is no switch, so it is not
   * refused.
   */
  async update(
    caller: UserPrincipal,
    id: string,
    input: UpdateMeetingRequest,
    live: LiveMeetings,
  ): Promise<MeetingView> {
    const { hidden: _hidden, ...rest } = input;
    const onlyHiding = Object.values(rest).every((v) => v === undefined);
    const meeting = await this.managed(caller, id, onlyHiding ? 'meeting.hide' : 'meeting.manage');
    const target = { kind: 'meeting', ownerId: meeting.ownerId } as const;
    if (input.recordingByModerators !== undefined && !may(caller, 'meeting.record', target)) {
      throw new AppError(
        403,
        'forbidden',
        'Only the meeting’s owner decides whether its moderators may record',
        'recordingByModerators',
      );
    }
    if (input.streaming !== undefined && !may(caller, 'meeting.enableStreaming', target)) {
      throw new AppError(
        403,
        'forbidden',
        'Only Superusers and Administrators enable live streaming for a meeting',
        'streaming',
      );
    }
    if (input.hidden === false && meeting.oneTime) {
      throw new AppError(400, 'validation_failed', 'A one-time meeting is always hidden', 'hidden');
    }
    const e2ee = input.e2ee !== undefined && input.e2ee !== meeting.e2ee ? input.e2ee : undefined;
    if (e2ee !== undefined && (await live.isLive(meeting.id))) {
      throw new AppError(
        409,
        'meeting_in_progress',
        `End-to-end encryption cannot be turned ${e2ee ? 'on' : 'off'} while the meeting is in progress; ` +
          'try again when everyone has left',
      );
    }
    const inviteeIds =
      input.inviteeIds &&
      (await this.checkedInvitees(meeting.organisationId, meeting.ownerId, input.inviteeIds));
    const roomSystemIds =
      input.roomSystemIds &&
      (await this.checkedRoomSystems(
        caller,
        ((await this.store.roomSystems([meeting.id])).get(meeting.id) ?? []).map((r) => r.id),
        input.roomSystemIds,
      ));
    const updatedAt = this.clock.now().toISOString();
    const changes = {
      ...(input.schedule !== undefined && { schedule: input.schedule }),
      ...(input.name !== undefined && { name: input.name }),
      ...(input.description !== undefined && { description: input.description }),
      ...(e2ee !== undefined && { e2ee }),
      ...(input.hidden !== undefined && { hidden: input.hidden }),
      ...(input.lobby !== undefined && { lobby: input.lobby }),
      ...(input.recordingByModerators !== undefined && {
        recordingByModerators: input.recordingByModerators,
      }),
      ...(input.streaming !== undefined && { streaming: input.streaming }),
    };
    await this.store.update(meeting.id, {
      ...changes,
      ...(inviteeIds && { inviteeIds }),
      ...(roomSystemIds && { roomSystemIds }),
      updatedAt,
    });
    return this.viewFor(caller, { ...meeting, ...changes, updatedAt });
  }

  /** Sets or changes the passcode (MEET-PASSCODE); only its hash is kept. */
  async setPasscode(caller: UserPrincipal, id: string, passcode: string): Promise<MeetingView> {
    const meeting = await this.managed(caller, id, 'meeting.manage');
    const passcodeHash = await hashPasscode(passcode);
    const updatedAt = this.clock.now().toISOString();
    await this.store.setPasscodeHash(meeting.id, passcodeHash, updatedAt);
    return this.viewFor(caller, { ...meeting, passcodeHash, updatedAt });
  }

  async removePasscode(caller: UserPrincipal, id: string): Promise<MeetingView> {
    const meeting = await this.managed(caller, id, 'meeting.manage');
    const updatedAt = this.clock.now().toISOString();
    await this.store.setPasscodeHash(meeting.id, null, updatedAt);
    return this.viewFor(caller, { ...meeting, passcodeHash: null, updatedAt });
  }

  /** Deletes the meeting; everyone in it is told it ended. Returns what it was, for the audit log. */
  async delete(caller: UserPrincipal, id: string): Promise<{ id: string; name: string }> {
    const meeting = await this.managed(caller, id, 'meeting.manage');
    await this.store.delete(meeting.id);
    this.events.publish('meetingDeleted', meeting.id);
    return { id: meeting.id, name: meeting.name };
  }

  /** What the join page shows, whether it is recorded now included (REC-NOTICE), from wherever its room is. */
  async publicView(id: string, live: LiveMeetings): Promise<MeetingPublicView> {
    if (!ID_PATTERN.test(id)) throw meetingNotFound();
    const found = await this.store.findPublic(id);
    if (found) {
      const { organisationId, ...view } = found;
      const [defaultLayout, { recording, streaming }] = await Promise.all([
        this.defaultLayoutOf(organisationId),
        live.captureOf(id),
      ]);
      return { ...view, defaultLayout, recording, streaming };
    }
    throw (await this.store.hasEnded(id)) ? meetingEnded() : meetingNotFound();
  }

  async started(meetingId: string): Promise<void> {
    await this.store.markStarted(meetingId, this.clock.now().toISOString());
  }

  /** The last participant left: a one-time meeting that took place ends for good. */
  async emptied(meetingId: string): Promise<void> {
    const meeting = await this.store.findById(meetingId);
    if (meeting?.oneTime && meeting.startedAt !== null) await this.endForGood(meeting);
  }

  /**
   * Housekeeping, run periodically: one-time meetings nobody joined within their time go, and so do
   * old marks of ended ones.
   */
  async sweep(): Promise<void> {
    const now = this.clock.now().getTime();
    const unused = await this.store.unusedOneTime(new Date(now - this.oneTime.unusedForMs).toISOString());
    for (const meeting of unused) await this.endForGood(meeting);
    await this.store.forgetEndedBefore(new Date(now - ENDED_MARK_MS).toISOString());
  }

  private async endForGood(meeting: Meeting): Promise<void> {
    await this.store.endForGood(meeting, this.clock.now().toISOString());
    // Anyone joining right now is turned away like from a deleted meeting.
    this.events.publish('meetingDeleted', meeting.id);
  }

  /** The meeting, if `caller` may do `action` to it (see the class comment for who is refused how). */
  private async managed(
    caller: UserPrincipal,
    id: string,
    action: 'meeting.manage' | 'meeting.hide',
  ): Promise<Meeting> {
    const meeting = await this.visible(caller, id);
    if (may(caller, action, { kind: 'meeting', ownerId: meeting.ownerId })) return meeting;
    throw new AppError(403, 'forbidden', 'You are invited to this meeting; only its organiser changes it');
  }

  /**
   * The invitees asked for, each once: people of the organisation other than the owner (who is in the
   * meeting anyway), or 400.
   */
  private async checkedInvitees(
    organisationId: string,
    ownerId: string,
    ids: readonly string[],
  ): Promise<string[]> {
    const wanted = [...new Set(ids)];
    if (wanted.includes(ownerId)) {
      throw new AppError(
        400,
        'validation_failed',
        'The organiser is not invited to their own meeting',
        'inviteeIds',
      );
    }
    const members = await this.store.members(organisationId, wanted);
    if (members.length !== wanted.length) {
      throw new AppError(400, 'validation_failed', 'Invite only people of your organisation', 'inviteeIds');
    }
    return wanted;
  }

  /**
   * The room systems asked for, each once (ADM-ROOMS): room systems of the caller's organisation, or
   * 400 `room_system_not_found`. One newly invited must have its access and be one the caller finds
   * in the directory (a hidden one only for those who may show it again, the rule of
   * `roomSystem.hide`); one invited already stays whatever became of it since.
   */
  private async checkedRoomSystems(
    caller: UserPrincipal,
    invitedAlready: readonly string[],
    ids: readonly string[],
  ): Promise<string[]> {
    const wanted = [...new Set(ids)];
    const found = new Map(
      (await this.store.roomSystemCandidates(caller.organisationId, wanted)).map((r) => [r.id, r]),
    );
    for (const id of wanted) {
      const room = found.get(id);
      const offered =
        room !== undefined &&
        (invitedAlready.includes(id) ||
          (!room.revoked && (!room.hidden || may(caller, 'roomSystem.hide', roomSystemTarget(room)))));
      if (!offered) {
        throw new AppError(
          400,
          'room_system_not_found',
          'Invite only room systems of your organisation that the directory lists',
          'roomSystemIds',
        );
      }
    }
    return wanted;
  }

  /** Views of meetings the caller manages, their invitees and rooms read at once for all of them. */
  private async managedViews(meetings: Meeting[]): Promise<MeetingView[]> {
    const ids = meetings.map((m) => m.id);
    const [invitees, rooms] = await Promise.all([this.store.invitees(ids), this.store.roomSystems(ids)]);
    return meetings.map((m) => this.view(m, true, invitees.get(m.id) ?? [], rooms.get(m.id) ?? []));
  }

  /** The view as `caller` sees it: with its invitees when they manage it, its rooms for all who see it. */
  private async viewFor(caller: UserPrincipal, m: Meeting): Promise<MeetingView> {
    const canManage = may(caller, 'meeting.manage', { kind: 'meeting', ownerId: m.ownerId });
    const [invitees, rooms] = await Promise.all([
      canManage ? this.store.invitees([m.id]) : new Map<string, MeetingInvitee[]>(),
      this.store.roomSystems([m.id]),
    ]);
    return this.view(m, canManage, invitees.get(m.id) ?? [], rooms.get(m.id) ?? []);
  }

  private async ofOrganisation(caller: UserPrincipal, id: string): Promise<Meeting> {
    const meeting = ID_PATTERN.test(id) ? await this.store.findById(id) : null;
    if (!meeting || meeting.organisationId !== caller.organisationId) throw meetingNotFound();
    return meeting;
  }

  private view(
    m: Meeting,
    canManage: boolean,
    invitees: MeetingInvitee[],
    roomSystems: MeetingRoomSystem[],
  ): MeetingView {
    return {
      id: m.id,
      name: m.name,
      description: m.description,
      extension: m.extension,
      joinUrl: meetingJoinUrl(this.publicUrl, m.id),
      ownerId: m.ownerId,
      e2ee: m.e2ee,
      hasPasscode: m.passcodeHash !== null,
      oneTime: m.oneTime,
      hidden: m.hidden,
      lobby: m.lobby,
      recordingByModerators: m.recordingByModerators,
      streaming: m.streaming,
      createdAt: m.createdAt,
      schedule: m.schedule,
      invitees,
      roomSystems,
      canManage,
    };
  }
}
