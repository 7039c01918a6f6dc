import type { FastifyPluginAsync } from 'fastify';
import type { ContractView, SetContractRequest } from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { OrganisationContracts } from './service';

/** Under /api/organisation, in the signed-in context: the organisation's contract (PRIV-RETENTION). */
export function contractRoutes(
  contracts: OrganisationContracts,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/contract', async (request): Promise<ContractView> =>
      contracts.get(authenticator.principal(request)),
    );
    app.put('/contract', async (request): Promise<ContractView> =>
      contracts.set(authenticator.actor(request), request.body as SetContractRequest),
    );
  };
}
