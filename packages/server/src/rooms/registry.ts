import type { IceServerInfo } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MeetingRecord, Principal } from '../domain';
import { RoomClosedError } from './errors';
import { MeetingRoom, type RoomContext } from './meeting-room';
import type { Participant, ParticipantSink } from './participant';

/** Every active meeting room of this server, by meeting id. */
export class RoomRegistry {
  private readonly rooms = new Map<string, MeetingRoom>();
  private stopping = false;

  constructor(private readonly ctx: RoomContext) {
    // A lost node takes its rooms with it (their sessions close too; this is belt and braces).
    ctx.media.on('nodeLost', (nodeId) => {
      for (const room of [...this.rooms.values()]) if (room.nodeId === nodeId) room.fail('media node lost');
    });
  }

  /** Joins the participant to the meeting's room, creating the room when it is the first. */
  async join(
    meeting: MeetingRecord,
    principal: Principal,
    sink: ParticipantSink,
    reply: { rid?: string; iceServers: IceServerInfo[] },
  ): Promise<{ room: MeetingRoom; participant: Participant }> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopping) throw new AppError(503, 'media_unavailable', 'The server is shutting down');
      let room = this.rooms.get(meeting.id);
      if (!room || room.closed) {
        const created: MeetingRoom = new MeetingRoom(meeting, this.ctx, (closed) => {
          if (this.rooms.get(meeting.id) === closed) this.rooms.delete(meeting.id);
        });
        this.rooms.set(meeting.id, created);
        room = created;
      }
      try {
        return { room, participant: await room.admit(principal, sink, reply) };
      } catch (err) {
        if (err instanceof RoomClosedError && attempt < 2) continue;
        throw err;
      }
    }
  }

  room(meetingId: string): MeetingRoom | undefined {
    return this.rooms.get(meetingId);
  }

  get size(): number {
    return this.rooms.size;
  }

  /** Tells everyone the server is going away and destroys every Janus room. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.rooms.values()].map((room) => room.shutdown().catch(() => undefined)));
  }
}
