export { AuditLog, type AuditActor, type AuditTarget } from './service';
export { AuditStore } from './store';
export { CaptureAuditLog } from './capture-audit';
export { auditRoutes } from './routes';
