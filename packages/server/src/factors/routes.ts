import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type {
  ConfirmPasswordRequest,
  ConfirmTotpRequest,
  RecoveryCodesView,
  TotpSetupView,
} from '@conclave/protocol';
import type { AuditActor } from '../audit';
import type { Authenticator } from '../auth';
import type { SecondFactors } from './service';

/** Under /api/account, in the signed-in context: the caller's own second factors. */
export function factorRoutes(factors: SecondFactors, authenticator: Authenticator): FastifyPluginAsync {
  const actor = (request: FastifyRequest): AuditActor => ({
    principal: authenticator.principal(request),
    clientIp: request.ip,
  });
  return async (app) => {
    app.post('/totp', async (request): Promise<TotpSetupView> => factors.startTotp(actor(request)));

    app.post('/totp/confirm', async (request): Promise<RecoveryCodesView> =>
      factors.confirmTotp(actor(request), request.body as ConfirmTotpRequest),
    );

    app.post('/totp/remove', async (request, reply) => {
      await factors.removeTotp(actor(request), request.body as ConfirmPasswordRequest);
      return reply.code(204).send();
    });

    app.post('/recovery-codes', async (request): Promise<RecoveryCodesView> =>
      factors.renewRecoveryCodes(actor(request), request.body as ConfirmPasswordRequest),
    );
  };
}
