export { AuditLog, type AuditActor } from './service';
export { AuditStore } from './store';
export { auditRoutes } from './routes';
