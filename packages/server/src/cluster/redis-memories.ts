import type { RedisConnection } from '../redis';
import type { MeetingMemories, MeetingMemory } from '../rooms';

const KEY = 'conclave:meeting-memory:';
/** A meeting whose owner died and that nobody joined again is forgotten after this long anyway. */
const KEEP_MS = 12 * 60 * 60 * 1000;

/** Meeting rooms' memories in Redis, one JSON value per meeting, for whichever node owns it next. */
export class RedisMeetingMemories implements MeetingMemories {
  constructor(private readonly redis: RedisConnection) {}

  async load(meetingId: string): Promise<MeetingMemory | null> {
    const text = await this.redis.client.get(KEY + meetingId);
    return text === null ? null : (JSON.parse(text) as MeetingMemory);
  }

  async save(meetingId: string, memory: MeetingMemory): Promise<void> {
    await this.redis.client.set(KEY + meetingId, JSON.stringify(memory), 'PX', KEEP_MS);
  }

  async forget(meetingId: string): Promise<void> {
    await this.redis.client.del(KEY + meetingId);
  }
}
