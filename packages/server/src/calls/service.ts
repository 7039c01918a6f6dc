import {
  ID_PATTERN,
  type CallView,
  type MissedCallsView,
  type Notification,
  type PlaceCallRequest,
} from '@conclave/protocol';
import { authorize, may, ORGANISATION } from '../access';
import type { AuditLog } from '../audit';
import type { Clock } from '../common/clock';
import { AppError, notFound, RateLimitError } from '../common/errors';
import { newId } from '../common/ids';
import type { Limiters, WindowLimiter } from '../common/rate-limit';
import {
  roomRecipient,
  type DomainEvents,
  type LiveMeetings,
  type RoomPrincipal,
  type UserPrincipal,
} from '../domain';
import type { MeetingService, MeetingStore } from '../meetings';
import { roomSystemTarget, type RoomSystemStore } from '../room-systems';
import type { Call, CallDetails, Callee, CallStore } from './store';

export interface CallOptions {
  /** How long a call rings before it is missed (default 30 s). */
  ringMs?: number;
  /** Calls one person may place per minute (default 20). */
  placedPerMinute?: number;
  /** Calls one person may have ringing at once (default 3). */
  maxRinging?: number;
}

export interface CallDeps {
  store: CallStore;
  meetings: MeetingService;
  meetingStore: MeetingStore;
  /** Room systems, which are rung into meetings too (MEET-ADD, ADM-ROOMS). */
  roomSystems: RoomSystemStore;
  events: DomainEvents;
  audit: AuditLog;
  limiters: Limiters;
  clock: Clock;
  /** Where a timer's sweep reports a failure. */
  onBackgroundError: (err: unknown, what: string) => void;
  options?: CallOptions;
}

/** Calls are forgotten this long after they were made: the missed-call list is recent history. */
const KEEP_CALLS_MS = 30 * 24 * 3600_000;
/** The missed calls shown, newest first. */
const MISSED_SHOWN = 50;
/** Calls turned into missed ones per sweep; the next sweep takes the rest. */
const DUE_PER_SWEEP = 200;

const callNotFound = () => notFound('There is no such call', 'not_found');
const callEnded = () => new AppError(409, 'call_ended', 'This call is not ringing any more');
const userNotFound = () => notFound('There is no such person in your organisation', 'user_not_found');
const roomNotFound = () =>
  notFound('There is no such room system in your organisation', 'room_system_not_found');

/** A room system that can be rung: what the rules about it look at. */
interface RoomCallee {
  kind: 'room';
  id: string;
  displayName: string;
}

/**
 * MEET-CALL and MEET-ADD: a call rings every open client of the callee (through `userNotified`
 * events, which cluster/ carries to every node) until the callee accepts or declines on one of them,
 * the caller hangs up, or its time is up. Every change of state is one conditional update of the
 * call's row, so whatever happens at once (two accepts, an accept and the timeout), one wins.
 */
export class CallService {
  private readonly placed: WindowLimiter;
  private readonly ringMs: number;
  private readonly maxRinging: number;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly d: CallDeps) {
    const o = d.options ?? {};
    this.ringMs = o.ringMs ?? 30_000;
    this.maxRinging = o.maxRinging ?? 3;
    this.placed = d.limiters.window('call:place', { limit: o.placedPerMinute ?? 20, windowMs: 60_000 });
  }

  async place(caller: UserPrincipal, input: PlaceCallRequest, live: LiveMeetings): Promise<CallView> {
    authorize(caller, 'call.place', ORGANISATION);
    // Counted before anything is looked up, so that parallel attempts are bounded like sequential ones.
    const counted = await this.placed.consume(caller.userId);
    if (!counted.allowed) {
      throw new RateLimitError(
        'You have placed too many calls; try again shortly',
        counted.retryAfterSeconds,
      );
    }
    const callee =
      input.roomSystemId !== undefined
        ? await this.visibleRoom(caller, input.roomSystemId)
        : await this.visibleCallee(caller, input.calleeId ?? '');
    const meeting = input.meetingId ? await this.runningMeeting(caller, input.meetingId, live) : null;
    const now = this.d.clock.now();
    if ((await this.d.store.ringingFrom(caller.userId, now.toISOString())) >= this.maxRinging) {
      throw new AppError(429, 'too_many_calls', 'You have too many calls ringing; wait for one to end');
    }
    // A direct call meets in a one-time meeting of its own, hidden, which goes once it has taken place.
    const meetingOfCall =
      meeting ??
      (await this.d.meetings.create(caller, {
        name: callMeetingName(caller.displayName, callee.displayName),
        oneTime: true,
        e2ee: false,
        lobby: 'off',
      }));
    const call: Call = {
      id: newId(now.getTime()),
      organisationId: caller.organisationId,
      kind: meeting ? 'add' : 'direct',
      callerId: caller.userId,
      calleeId: callee.kind === 'user' ? callee.id : null,
      calleeRoomId: callee.kind === 'room' ? callee.id : null,
      meetingId: meetingOfCall.id,
      state: 'ringing',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.ringMs).toISOString(),
      endedAt: null,
    };
    await this.d.store.insert(call);
    this.scheduleExpiry();
    this.notify(recipientOf(call), {
      type: 'incomingCall',
      call: {
        id: call.id,
        kind: call.kind,
        caller: { id: caller.userId, name: caller.displayName },
        meeting: { id: meetingOfCall.id, name: meetingOfCall.name },
        expiresAt: call.expiresAt,
      },
    });
    return view({
      ...call,
      callerName: caller.displayName,
      calleeName: callee.displayName,
      meetingName: meetingOfCall.name,
    });
  }

  /** A call its caller or callee looks at (a client that missed a notification asks). */
  async get(user: UserPrincipal, id: string): Promise<CallView> {
    return view(await this.ofParty(user, id));
  }

  async accept(user: UserPrincipal, id: string): Promise<CallView> {
    return this.accepted(await this.answerable(user, id));
  }

  async decline(user: UserPrincipal, id: string): Promise<CallView> {
    return this.declined(await this.answerable(user, id));
  }

  /** A room system's screen takes the call that rings it (its own cookie, never a person's session). */
  async acceptAsRoom(room: RoomPrincipal, id: string): Promise<CallView> {
    return this.accepted(await this.ofRoom(room, id));
  }

  async declineAsRoom(room: RoomPrincipal, id: string): Promise<CallView> {
    return this.declined(await this.ofRoom(room, id));
  }

  /** The caller hangs up before an answer: the callee's clients stop, and it counts as missed. */
  async cancel(user: UserPrincipal, id: string): Promise<CallView> {
    const call = await this.ofParty(user, id);
    if (!may(user, 'call.cancel', asTarget(call))) {
      throw new AppError(403, 'forbidden', 'Only the person calling can cancel a call');
    }
    if (!(await this.d.store.end(call.id, 'missed', this.now(), true))) throw callEnded();
    this.endedFor(call, 'cancelled');
    await this.discardMeeting(call);
    return view({ ...call, state: 'missed' });
  }

  async missed(user: UserPrincipal): Promise<MissedCallsView> {
    await this.expireDue();
    const { calls, unseen } = await this.d.store.missed(user.userId, MISSED_SHOWN);
    return {
      calls: calls.map((c) => ({
        id: c.id,
        kind: c.kind,
        caller: { id: c.callerId, name: c.callerName },
        meetingName: c.kind === 'add' ? c.meetingName : null,
        at: c.createdAt,
      })),
      unseen,
    };
  }

  async markMissedSeen(user: UserPrincipal): Promise<void> {
    await this.d.store.markMissedSeen(user.userId);
  }

  /** Calls nobody answered in time become missed; both sides' clients are told. Any node may run it. */
  async expireDue(): Promise<void> {
    const now = this.now();
    for (const call of await this.d.store.due(now, DUE_PER_SWEEP)) {
      if (!(await this.d.store.end(call.id, 'missed', now, true))) continue;
      this.endedFor(call, 'missed');
      await this.discardMeeting(call);
    }
  }

  /** Housekeeping, run periodically: overdue calls end, old ones are forgotten. */
  async sweep(): Promise<void> {
    await this.expireDue();
    await this.d.store.deleteBefore(new Date(this.d.clock.now().getTime() - KEEP_CALLS_MS).toISOString());
  }

  /** Stops the timers of calls still ringing (the server is closing; the next sweep anywhere ends them). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** A moderator rang someone in: the Administrator sees who brought whom into which meeting. */
  async audit(by: { principal: UserPrincipal; clientIp: string }, call: CallView): Promise<void> {
    if (call.kind !== 'add' || !call.meeting) return;
    await this.d.audit.record(
      by,
      'meeting.personRung',
      { kind: 'meeting', id: call.meeting.id, name: call.meeting.name },
      { callee: call.callee.name },
    );
  }

  private scheduleExpiry(): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.expireDue().catch((err: unknown) => this.d.onBackgroundError(err, 'ending unanswered calls'));
    }, this.ringMs + 50);
    timer.unref();
    this.timers.add(timer);
  }

  private async accepted(call: CallDetails): Promise<CallView> {
    if (!(await this.d.store.end(call.id, 'accepted', this.now()))) throw callEnded();
    this.notify(call.callerId, {
      type: 'callAccepted',
      callId: call.id,
      meetingId: call.meetingId!,
      callee: { id: call.calleeId ?? call.calleeRoomId!, name: call.calleeName },
    });
    this.notify(recipientOf(call), { type: 'callEnded', callId: call.id, reason: 'answered_elsewhere' });
    return view({ ...call, state: 'accepted' });
  }

  private async declined(call: CallDetails): Promise<CallView> {
    if (!(await this.d.store.end(call.id, 'declined', this.now(), true))) throw callEnded();
    this.endedFor(call, 'declined');
    await this.discardMeeting(call);
    return view({ ...call, state: 'declined' });
  }

  private endedFor(call: CallDetails, reason: 'declined' | 'cancelled' | 'missed'): void {
    const ended: Notification = { type: 'callEnded', callId: call.id, reason };
    this.notify(call.callerId, ended);
    this.notify(recipientOf(call), ended);
  }

  /** The meeting of a direct call that never took place goes with the call. */
  private async discardMeeting(call: Call): Promise<void> {
    if (call.kind !== 'direct' || !call.meetingId) return;
    const meeting = await this.d.meetingStore.findById(call.meetingId);
    if (meeting && meeting.startedAt === null) await this.d.meetingStore.delete(meeting.id);
  }

  /** To every open client of a person, or every screen of a room system (`recipientOf`). */
  private notify(recipient: string, notification: Notification): void {
    this.d.events.publish('userNotified', recipient, notification);
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  /** Someone of the caller's organisation whom they see in the directory, not themself, not revoked. */
  private async visibleCallee(caller: UserPrincipal, id: string): Promise<Callee> {
    const callee = await this.d.store.findUser(id);
    if (!callee || callee.organisationId !== caller.organisationId) throw userNotFound();
    if (callee.hidden && !may(caller, 'user.hide', { kind: 'user', id: callee.id, role: callee.role })) {
      throw userNotFound();
    }
    if (callee.id === caller.userId) {
      throw new AppError(400, 'validation_failed', 'You cannot call yourself', 'calleeId');
    }
    if (callee.revoked)
      throw new AppError(409, 'callee_unavailable', `${callee.displayName} cannot take calls`);
    return callee;
  }

  /**
   * A room system of the caller's organisation, with its access, that the caller sees in the
   * directory (a hidden one only under `roomSystem.hide`).
   */
  private async visibleRoom(caller: UserPrincipal, id: string): Promise<RoomCallee> {
    const room = ID_PATTERN.test(id) ? await this.d.roomSystems.find(caller.organisationId, id) : null;
    if (!room || room.revokedAt !== null) throw roomNotFound();
    if (room.hidden && !may(caller, 'roomSystem.hide', roomSystemTarget(room))) throw roomNotFound();
    return { kind: 'room', id: room.id, displayName: room.name };
  }

  /** MEET-ADD: a meeting the caller moderates by role, with people in it now. */
  private async runningMeeting(caller: UserPrincipal, id: string, live: LiveMeetings) {
    const meeting = await this.d.meetingStore.findById(id);
    if (!meeting || meeting.organisationId !== caller.organisationId) {
      throw notFound('There is no meeting at this link', 'meeting_not_found');
    }
    if (!may(caller, 'meeting.moderate', { kind: 'meeting', ownerId: meeting.ownerId })) {
      throw new AppError(403, 'forbidden', "Only the meeting's moderators can ring people into it");
    }
    if (!(await live.isLive(meeting.id))) {
      throw new AppError(409, 'meeting_not_live', 'Nobody is in this meeting; start it first');
    }
    return meeting;
  }

  /** The call, to its caller or callee; anyone else is told there is no such call. */
  private async ofParty(user: UserPrincipal, id: string): Promise<CallDetails> {
    const call = ID_PATTERN.test(id) ? await this.d.store.find(id) : null;
    if (!call || (call.callerId !== user.userId && call.calleeId !== user.userId)) throw callNotFound();
    return call;
  }

  /** A call ringing this room system; anything else is no such call to its screen. */
  private async ofRoom(room: RoomPrincipal, id: string): Promise<CallDetails> {
    const call = ID_PATTERN.test(id) ? await this.d.store.find(id) : null;
    if (!call || call.calleeRoomId !== room.roomSystemId) throw callNotFound();
    return call;
  }

  private async answerable(user: UserPrincipal, id: string): Promise<CallDetails> {
    const call = await this.ofParty(user, id);
    if (!may(user, 'call.answer', asTarget(call))) {
      throw new AppError(403, 'forbidden', 'Only the person called can answer a call');
    }
    return call;
  }
}

const asTarget = (c: Call) => ({ kind: 'call' as const, callerId: c.callerId, calleeId: c.calleeId });

/** Where a call's callee hears of it: a person's clients, or a room system's screens. */
const recipientOf = (c: Call): string => (c.calleeRoomId ? roomRecipient(c.calleeRoomId) : c.calleeId!);

/** The name both see for a call's meeting, within the meeting name's 120 characters. */
function callMeetingName(caller: string, callee: string): string {
  const both = `${caller} and ${callee}`;
  return both.length <= 120 ? both : `Call from ${caller}`;
}

function view(c: CallDetails): CallView {
  return {
    id: c.id,
    kind: c.kind,
    state: c.state,
    caller: { id: c.callerId, name: c.callerName },
    callee: c.calleeRoomId
      ? { id: c.calleeRoomId, name: c.calleeName, kind: 'room' }
      : { id: c.calleeId!, name: c.calleeName, kind: 'user' },
    meeting: c.meetingId && c.meetingName !== null ? { id: c.meetingId, name: c.meetingName } : null,
    createdAt: c.createdAt,
    expiresAt: c.expiresAt,
  };
}
