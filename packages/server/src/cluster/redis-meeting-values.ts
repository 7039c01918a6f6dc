import type { RedisConnection } from '../redis';
import type { MeetingMemory, RoomState } from '../rooms';

/** A meeting whose owner died and that nobody joined again is forgotten after this long anyway. */
const KEEP_MS = 12 * 60 * 60 * 1000;

/** One JSON value per meeting in Redis under `prefix`, for whichever node owns the meeting next. */
class RedisMeetingValues<T> {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  async load(meetingId: string): Promise<T | null> {
    const text = await this.redis.client.get(this.prefix + meetingId);
    return text === null ? null : (JSON.parse(text) as T);
  }

  async save(meetingId: string, value: T): Promise<void> {
    await this.redis.client.set(this.prefix + meetingId, JSON.stringify(value), 'PX', KEEP_MS);
  }

  async forget(meetingId: string): Promise<void> {
    await this.redis.client.del(this.prefix + meetingId);
  }
}

/** What meeting rooms' moderators decided (meeting-memory.ts). */
export const redisMeetingMemories = (redis: RedisConnection) =>
  new RedisMeetingValues<MeetingMemory>(redis, 'conclave:meeting-memory:');

/** Meeting rooms' live state (room-state.ts): its secrets (the Janus room's) stay on the private network. */
export const redisRoomStates = (redis: RedisConnection) =>
  new RedisMeetingValues<RoomState>(redis, 'conclave:meeting-room:');
