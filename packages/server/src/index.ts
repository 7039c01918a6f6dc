// The public surface of @conclave/server: build and run the control plane, and the pieces the
// signaling and media modules are wired with.
export { buildApp, BODY_LIMIT, type AppDeps } from './app';
export { loadConfig, ConfigError, sqlitePath, type Config, type MediaConfig } from './config';
export {
  openDatabase,
  openSqlite,
  openPostgres,
  migrateToLatest,
  type Database,
  type DatabaseHandle,
  type DatabaseKind,
} from './db';
export { createLogger } from './http';
export {
  createSignalingAuth,
  type AuthOptions,
  type Principal,
  type UserPrincipal,
  type GuestPrincipal,
} from './auth';
export { createMeetingLookup } from './meetings';
export { systemClock, ManualClock, type Clock } from './common/clock';
export type { MediaPlaneLifecycle, MediaStatus } from './media/status';
export type { SignalingAuth, MeetingLookup, MeetingRecord } from './signaling/ports';
