export {
  openDatabase,
  openSqlite,
  openPostgres,
  pingDatabase,
  isUniqueViolation,
  redactUrl,
  type DatabaseHandle,
  type DatabaseKind,
} from './connect';
export { migrateToLatest, MigrationError } from './migrations';
export type * from './schema';
