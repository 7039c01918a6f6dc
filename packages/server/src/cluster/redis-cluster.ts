import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { RedisConnection } from '../redis';
import type { MeetingMemories, RoomStates } from '../rooms';
import type { MeetingLeases, NodeBus } from './bus';
import { RedisBus } from './redis-bus';
import { RedisLeases } from './redis-leases';
import { redisMeetingMemories, redisRoomStates } from './redis-meeting-values';

/**
 * A node is dead to the others this long after it last renewed (every third of it): the time a
 * killed owner's meetings wait before another node takes them over.
 */
const LEASE_MS = 3_000;

/** This process as one control-plane node among those sharing `redis` (NET-SCALE). */
export async function redisClusterNode(
  redis: RedisConnection,
  logger: FastifyBaseLogger,
  waitMs: number,
): Promise<{
  bus: NodeBus;
  leases: MeetingLeases;
  memories: MeetingMemories;
  states: RoomStates;
  tickMs: number;
}> {
  // New at every start: a restarted process is a new node, and nothing of the old one is its.
  const nodeId = `node-${randomBytes(6).toString('hex')}`;
  const connection = redis.duplicate('cluster');
  const bus = await RedisBus.open(nodeId, connection, logger, waitMs);
  logger.info({ nodeId }, 'control-plane node of a cluster (Redis)');
  // On the bus's connection, which it closes last (the cluster releases its leases first).
  const leases = new RedisLeases(nodeId, connection, LEASE_MS);
  return {
    bus,
    leases,
    memories: redisMeetingMemories(connection),
    states: redisRoomStates(connection),
    tickMs: LEASE_MS / 3,
  };
}
