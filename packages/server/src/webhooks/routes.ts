import type { FastifyPluginAsync } from 'fastify';
import type {
  CreateWebhookRequest,
  CreatedWebhookView,
  UpdateWebhookRequest,
  WebhookDeliveryListView,
  WebhookEndpointView,
  WebhookListView,
  WebhookSecretView,
  WebhookSettings,
} from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { WebhookAdministration } from './service';

type WithId = { Params: { id: string } };

/** Under /api/webhooks, in the signed-in context: the organisation's endpoints (Superusers, Administrator). */
export function webhookRoutes(
  webhooks: WebhookAdministration,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<WebhookListView> =>
      webhooks.list(authenticator.principal(request)),
    );

    app.post('/', async (request, reply): Promise<CreatedWebhookView> => {
      const view = await webhooks.create(authenticator.actor(request), request.body as CreateWebhookRequest);
      reply.code(201);
      return view;
    });

    app.put('/settings', async (request): Promise<WebhookSettings> =>
      webhooks.setSettings(authenticator.actor(request), request.body as WebhookSettings),
    );

    app.patch<WithId>('/:id', async (request): Promise<WebhookEndpointView> =>
      webhooks.update(authenticator.actor(request), request.params.id, request.body as UpdateWebhookRequest),
    );

    app.post<WithId>('/:id/secret', async (request): Promise<WebhookSecretView> =>
      webhooks.rotateSecret(authenticator.actor(request), request.params.id),
    );

    app.get<WithId>('/:id/deliveries', async (request): Promise<WebhookDeliveryListView> => ({
      deliveries: await webhooks.deliveries(authenticator.principal(request), request.params.id),
    }));

    app.delete<WithId>('/:id', async (request, reply) => {
      await webhooks.delete(authenticator.actor(request), request.params.id);
      return reply.code(204).send();
    });
  };
}
