import { RedisScript, type RedisConnection } from '../redis';
import type { MeetingLeases } from './bus';

const MEETING_KEY = 'conclave:meeting-owner:';
const NODE_KEY = 'conclave:node-alive:';

/**
 * Takes the meeting when it is free or its owner's liveness key has expired (the owner died);
 * otherwise answers the owner. Either way the answer is the owner after the call.
 */
const CLAIM = new RedisScript(`
redis.call('SET', ARGV[3] .. ARGV[1], '1', 'PX', ARGV[2])
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. owner) == 1 then return owner end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`);

/** Renews this node's liveness and those of its claims it still holds; returns the indexes it lost. */
const RENEW = new RedisScript(`
redis.call('SET', ARGV[3] .. ARGV[1], '1', 'PX', ARGV[2])
local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
  else
    table.insert(lost, i)
  end
end
return lost
`);

const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * Meeting leases in Redis. A node says it is alive with a key that lasts `ttlMs`, renewed every tick
 * (about a third of it); its claims last as long. A node killed outright is dead for the others once
 * its key expires, and its meetings go to whichever node next claims them.
 */
export class RedisLeases implements MeetingLeases {
  constructor(
    private readonly nodeId: string,
    private readonly redis: RedisConnection,
    private readonly ttlMs: number,
  ) {}

  async claim(meetingId: string): Promise<string> {
    const owner = await CLAIM.run(
      this.redis.client,
      [MEETING_KEY + meetingId],
      [this.nodeId, this.ttlMs, NODE_KEY],
    );
    return String(owner);
  }

  async renew(meetingIds: readonly string[]): Promise<string[]> {
    const lost = (await RENEW.run(
      this.redis.client,
      meetingIds.map((id) => MEETING_KEY + id),
      [this.nodeId, this.ttlMs, NODE_KEY],
    )) as number[];
    return lost.map((i) => meetingIds[i - 1]!);
  }

  async release(meetingId: string): Promise<void> {
    await RELEASE.run(this.redis.client, [MEETING_KEY + meetingId], [this.nodeId]);
  }

  async alive(nodeIds: readonly string[]): Promise<Set<string>> {
    if (nodeIds.length === 0) return new Set();
    const values = await this.redis.client.mget(...nodeIds.map((n) => NODE_KEY + n));
    return new Set(nodeIds.filter((_, i) => values[i] !== null));
  }

  async owner(meetingId: string): Promise<string | null> {
    const owner = await this.redis.client.get(MEETING_KEY + meetingId);
    if (owner === null) return null;
    return (await this.alive([owner])).has(owner) ? owner : null;
  }
}
