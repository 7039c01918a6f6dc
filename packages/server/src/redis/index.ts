// Redis, shared by every control-plane node (NET-SCALE): one connection factory, and what is kept there.
export { openRedis, type RedisConnection } from './connection';
export { redisLimiters } from './limiters';
export { RedisScript } from './script';
