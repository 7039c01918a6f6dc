import type { RedisConnection } from '../redis';
import type { MeetingMemory, RoomState } from '../rooms';

/** A meeting whose owner died and that nobody joined again is forgotten after this long anyway. */
const MEMORY_KEEP_MS = 12 * 60 * 60 * 1000;
/**
 * A room's live state outlasts its node by this long: longer than Janus keeps the dead node's sessions
 * (15 s), and short enough that a meeting started later never finds a stale one. Rooms write theirs
 * again well within it (room-state.ts).
 */
const STATE_KEEP_MS = 20_000;

/** One JSON value per meeting in Redis under `prefix`, for whichever node owns the meeting next. */
class RedisMeetingValues<T> {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly keepMs: number,
  ) {}

  async load(meetingId: string): Promise<T | null> {
    const text = await this.redis.client.get(this.prefix + meetingId);
    return text === null ? null : (JSON.parse(text) as T);
  }

  async save(meetingId: string, value: T): Promise<void> {
    await this.redis.client.set(this.prefix + meetingId, JSON.stringify(value), 'PX', this.keepMs);
  }

  async forget(meetingId: string): Promise<void> {
    await this.redis.client.del(this.prefix + meetingId);
  }
}

/** What meeting rooms' moderators decided (meeting-memory.ts). */
export const redisMeetingMemories = (redis: RedisConnection) =>
  new RedisMeetingValues<MeetingMemory>(redis, 'conclave:meeting-memory:', MEMORY_KEEP_MS);

/** Meeting rooms' live state (room-state.ts): its secrets (the Janus room's) stay on the private network. */
export const redisRoomStates = (redis: RedisConnection) =>
  new RedisMeetingValues<RoomState>(redis, 'conclave:meeting-room:', STATE_KEEP_MS);
