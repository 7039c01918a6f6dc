export { OrganisationContracts } from './service';
export { OrganisationPurge } from './purge';
export { RetentionStore } from './store';
export { JobLeases } from './lease';
export { RetentionJob, type RetentionRun } from './job';
export { deleteOldLogFiles } from './old-logs';
export { contractRoutes } from './routes';
