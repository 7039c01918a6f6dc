import { AppError } from '../common/errors';
import type { Attendance, MeetingRecord, Principal } from '../domain';
import type { ActiveRooms } from '../metrics';
import { RoomClosedError } from './errors';
import { MeetingRoom } from './meeting-room';
import type { Entry, JoinExtras, JoinReply, RoomContext } from './room-context';
import type { ParticipantSink } from './participant';

const MEETING_ENDED = 'This meeting has ended';
/** Long enough for any join that found the meeting before it was deleted to arrive. */
const ENDED_MEMORY_MS = 60_000;
const DEFAULT_EMPTY_GRACE_MS = 30_000;

/** Every active meeting room of this server, by meeting id. */
export class RoomRegistry {
  private readonly rooms = new Map<string, MeetingRoom>();
  /** Meetings deleted lately: a join that looked the meeting up just before is still refused. */
  private readonly ended = new Map<string, number>();
  private stopping = false;
  /** Rooms that emptied lately, waiting out the grace before their meeting counts as over. */
  private readonly emptying = new Map<string, NodeJS.Timeout>();

  private readonly ctx: RoomContext;

  constructor(ctx: RoomContext) {
    // A new room goes where there is most room to spare, counted in the participants placed there.
    this.ctx = { ...ctx, nodeLoad: (nodeId) => this.loadOf(nodeId) };
    ctx.metrics?.observeActive(() => this.activity());
    // A lost node takes its rooms with it (their sessions close too; this is belt and braces).
    ctx.media.on('nodeLost', (nodeId) => {
      for (const room of [...this.rooms.values()]) if (room.nodeId === nodeId) room.fail('media node lost');
    });
  }

  /**
   * Joins the participant to the meeting's room, creating the room when it is the first, or puts it
   * in the room's lobby. `meeting` is as the join found it: its lobby setting applies as it is now.
   */
  async join(
    meeting: MeetingRecord,
    principal: Principal,
    sink: ParticipantSink,
    reply: JoinReply,
    extras: JoinExtras = {},
  ): Promise<{ room: MeetingRoom; entry: Entry }> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopping) throw new AppError(503, 'media_unavailable', 'The server is shutting down');
      let room = this.rooms.get(meeting.id);
      if (!room || room.closed) {
        const created: MeetingRoom = new MeetingRoom(meeting, this.ctx, (closed, emptied) => {
          if (this.rooms.get(meeting.id) === closed) this.rooms.delete(meeting.id);
          if (emptied) this.emptied(closed);
        });
        this.rooms.set(meeting.id, created);
        room = created;
      }
      try {
        const entry = await room.enter(meeting.lobby, principal, sink, reply, extras);
        if (this.ended.has(meeting.id)) {
          sink.end('meeting_ended', MEETING_ENDED);
          if (entry.waiting) room.lobby.leave(entry.id);
          else room.leave(entry.participant, 'disconnected');
        }
        return { room, entry };
      } catch (err) {
        if (err instanceof RoomClosedError && attempt < 2) continue;
        room.closeIfEmpty();
        throw err;
      }
    }
  }

  /**
   * Tells the lifecycle a meeting is over once its room has stayed empty through the grace; the call
   * records end it when its last participant left.
   */
  private emptied(room: MeetingRoom): void {
    const id = room.meeting.id;
    const at = this.ctx.clock.now();
    clearTimeout(this.emptying.get(id));
    const timer = setTimeout(() => {
      this.emptying.delete(id);
      if (this.stopping || this.rooms.has(id)) return;
      room.tell('emptied');
      this.ctx.ledger?.ended(id, at);
    }, this.ctx.emptyGraceMs ?? DEFAULT_EMPTY_GRACE_MS);
    timer.unref();
    this.emptying.set(id, timer);
  }

  /** The meeting was deleted: everyone in it is told, and its room goes. */
  async endMeeting(meetingId: string): Promise<void> {
    const now = this.ctx.clock.now().getTime();
    for (const [id, at] of this.ended) if (now - at > ENDED_MEMORY_MS) this.ended.delete(id);
    this.ended.set(meetingId, now);
    await this.rooms.get(meetingId)?.end('meeting_ended', MEETING_ENDED);
  }

  /** A signed-in session ended (sign-out, revocation): participations of it held for a reconnect end now. */
  endSession(sessionId: string): void {
    for (const room of this.rooms.values()) room.endSession(sessionId);
  }

  /** Everyone in this node's rooms now, for the call records (PRIV-CDR). */
  attendances(): Attendance[] {
    return [...this.rooms.values()].flatMap((room) => room.attendances());
  }

  /** Meetings whose live state is here: those with a room, and those whose room emptied lately. */
  held(): string[] {
    return [...new Set([...this.rooms.keys(), ...this.emptying.keys()])];
  }

  /**
   * Another control-plane node owns the meeting now (NET-SCALE): its room here ends, and its
   * participants' clients join again, which takes them to that node.
   */
  async lost(meetingId: string): Promise<void> {
    clearTimeout(this.emptying.get(meetingId));
    this.emptying.delete(meetingId);
    await this.rooms.get(meetingId)?.handOver('This meeting moved to another server');
  }

  /**
   * This node shuts down: the meeting's room hands itself over (see MeetingRoom.handOff), giving the
   * lease up with `release` once its state is written. Rooms that cannot are ended by `shutdown`.
   */
  async handOff(meetingId: string, release: () => Promise<void>): Promise<void> {
    clearTimeout(this.emptying.get(meetingId));
    this.emptying.delete(meetingId);
    const room = this.rooms.get(meetingId);
    if (!(await room?.handOff(release))) await release();
  }

  room(meetingId: string): MeetingRoom | undefined {
    return this.rooms.get(meetingId);
  }

  get size(): number {
    return this.rooms.size;
  }

  private loadOf(nodeId: string): { participants: number; rooms: number } {
    const load = { participants: 0, rooms: 0 };
    for (const room of this.rooms.values()) {
      if (room.nodeId !== nodeId) continue;
      load.rooms++;
      load.participants += room.participants.size;
    }
    return load;
  }

  /** Meetings with a room here, the participants in them, and the people waiting in their lobbies. */
  activity(): ActiveRooms {
    let participants = 0;
    let waiting = 0;
    const servers = new Map(
      this.ctx.media
        .diagnostics()
        .servers.map((s) => [s.id, { server: s.id, region: s.region, meetings: 0, participants: 0 }]),
    );
    for (const room of this.rooms.values()) {
      participants += room.participants.size;
      waiting += room.waiting;
      const placed = room.serverId === null ? undefined : servers.get(room.serverId);
      if (!placed) continue;
      placed.meetings++;
      placed.participants += room.participants.size;
    }
    return { meetings: this.rooms.size, participants, waiting, servers: [...servers.values()] };
  }

  /** Tells everyone the server is going away and destroys every Janus room. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.emptying.values()) clearTimeout(timer);
    this.emptying.clear();
    await Promise.all(
      [...this.rooms.values()].map((room) =>
        room.end('server_shutdown', 'The server is restarting.').catch(() => undefined),
      ),
    );
  }
}
