import { RedisScript, type RedisConnection } from '../redis';
import type { Claim, MeetingLeases } from './bus';
import { NODE_CHANNEL } from './redis-bus';

const MEETING_KEY = 'conclave:meeting-owner:';
const NODE_KEY = 'conclave:node-alive:';

/**
 * A node is up while its liveness key lasts and it listens on its channel. A process that is killed
 * loses its Redis connections at once, and with them its subscription: that is seen well before its
 * key expires.
 */
const IS_UP = `
local function up(node)
  if redis.call('EXISTS', ARGV[3] .. node) == 0 then return false end
  return redis.call('PUBSUB', 'NUMSUB', ARGV[4] .. node)[2] > 0
end
`;

/**
 * Takes the meeting when it is free or its owner is down; otherwise answers the owner. Returns the
 * owner after the call, and the owner it took the meeting from, if any.
 */
const CLAIM = new RedisScript(`${IS_UP}
redis.call('SET', ARGV[3] .. ARGV[1], '1', 'PX', ARGV[2])
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] and up(owner) then return { owner, '' } end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if owner and owner ~= ARGV[1] then return { ARGV[1], owner } end
return { ARGV[1], '' }
`);

/** Which of the nodes in ARGV[5..] are up (1) or not (0). */
const ALIVE = new RedisScript(`${IS_UP}
local result = {}
for i = 5, #ARGV do result[#result + 1] = up(ARGV[i]) and 1 or 0 end
return result
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

  async claim(meetingId: string): Promise<Claim> {
    const [owner, previous] = (await CLAIM.run(
      this.redis.client,
      [MEETING_KEY + meetingId],
      [this.nodeId, this.ttlMs, NODE_KEY, NODE_CHANNEL],
    )) as [string, string];
    return { owner, ...(previous && { tookOverFrom: previous }) };
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
    const up = (await ALIVE.run(
      this.redis.client,
      [],
      ['', '', NODE_KEY, NODE_CHANNEL, ...nodeIds],
    )) as number[];
    return new Set(nodeIds.filter((_, i) => up[i] === 1));
  }

  async owner(meetingId: string): Promise<string | null> {
    const owner = await this.redis.client.get(MEETING_KEY + meetingId);
    if (owner === null) return null;
    return (await this.alive([owner])).has(owner) ? owner : null;
  }
}
