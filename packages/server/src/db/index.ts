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
export { migrateToLatest } from './migrations';
export type * from './schema';
