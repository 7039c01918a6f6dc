import type { FastifyPluginAsync } from 'fastify';
import type { AuditPageView, AuditQuery } from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { AuditLog } from './service';

/** Under /api/audit, in the signed-in context: the organisation's audit log (ADM-AUDIT). */
export function auditRoutes(audit: AuditLog, authenticator: Authenticator): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<AuditPageView> =>
      audit.list(authenticator.principal(request), request.query as AuditQuery),
    );
  };
}
