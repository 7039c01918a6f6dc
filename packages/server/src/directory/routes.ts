import type { FastifyPluginAsync } from 'fastify';
import {
  directoryQuerySchema,
  updateUserRequestSchema,
  type DirectoryUserEntry,
  type DirectoryView,
} from '@conclave/protocol';
import type { AuditLog } from '../audit';
import type { Authenticator } from '../auth';
import type { DirectoryService } from './service';

/** Under /api/directory, in the signed-in context: searching the caller's organisation. */
export function directoryRoutes(
  directory: DirectoryService,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<DirectoryView> => {
      const query = directoryQuerySchema.parse(request.query);
      return directory.search(authenticator.principal(request), query);
    });
  };
}

/** Under /api/users, in the signed-in context: hiding and showing people in the directory. */
export function userRoutes(
  directory: DirectoryService,
  audit: AuditLog,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.patch<{ Params: { id: string } }>('/:id', async (request): Promise<DirectoryUserEntry> => {
      const { hidden } = updateUserRequestSchema.parse(request.body);
      const principal = authenticator.principal(request);
      const entry = await directory.setUserHidden(principal, request.params.id, hidden);
      await audit.record({ principal, clientIp: request.ip }, hidden ? 'user.hidden' : 'user.shown', {
        kind: 'user',
        id: entry.id,
        name: `${entry.displayName} <${entry.email}>`,
      });
      return entry;
    });
  };
}
