// Webhooks (issue 18): endpoints of other systems told of the organisation's events, signed as
// Standard Webhooks sign them, sent from a durable queue by every node.
export { WebhookStore } from './store';
export { WebhookOutbox } from './outbox';
export { WebhookWorker, type WorkerOptions } from './worker';
export { WebhookAdministration } from './service';
export { webhookRoutes } from './routes';
export { systemLookup, type HostLookup } from './targets';
