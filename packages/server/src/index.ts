// The public surface of @conclave/server: build and run the control plane.
export { buildApp, BODY_LIMIT, type AppDeps } from './app';
export { createServices, type Services, type ServiceDeps } from './services';
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
export type { AuthOptions } from './auth';
export type { Principal, UserPrincipal, GuestPrincipal, MeetingRecord } from './domain';
export { systemClock, ManualClock, type Clock } from './common/clock';
export type { MediaPlaneLifecycle, MediaStatus } from './media/status';
