import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  BRANDING_IMAGE_KINDS,
  BRANDING_IMAGE_LIMITS,
  BRANDING_IMAGE_TYPES,
  type BrandingImageKind,
  type PublicBranding,
} from '@conclave/protocol';
import type { Authenticator } from '../auth';
import { notFound } from '../common/errors';
import { errorHandler } from '../http';
import { tooLarge, unsupported, type Branding } from './service';

const isKind = (value: unknown): value is BrandingImageKind =>
  (BRANDING_IMAGE_KINDS as readonly unknown[]).includes(value);

/**
 * Under /api/branding, open to everyone: the sign-in and join pages show the branding before anyone
 * signs in, and room systems have no account. The images are served so that they can only ever be
 * images: their checked type, `nosniff`, and a CSP that allows nothing should one be opened as a page.
 */
export function publicBrandingRoutes(branding: Branding): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (): Promise<PublicBranding> => branding.ofInstallation());
    app.get('/:kind', async (request, reply) => {
      const { kind } = request.params as { kind?: string };
      if (!isKind(kind)) throw notFound();
      const image = await branding.installationImage(kind);
      if (!image) throw notFound(`The organisation has no ${kind}`);
      reply
        .header('content-security-policy', "default-src 'none'")
        .header('x-content-type-options', 'nosniff')
        // Kept, but asked about every time: a replaced logo shows at once, an unchanged one costs a 304.
        .header('cache-control', 'no-cache')
        .header('etag', `"${image.sha256}"`);
      if (matches(request.headers['if-none-match'], image.sha256)) return reply.code(304).send();
      return reply.type(image.contentType).send(image.bytes);
    });
  };
}

/** Whether an If-None-Match header names this entity tag (weak or strong, in a list, or `*`). */
function matches(header: string | undefined, sha256: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === `"${sha256}"`);
}

/**
 * Under /api/settings/branding: uploading and removing the logo and the wallpaper, by Superusers and
 * Administrators. Registered outside the signed-in context (which authorises in preHandler, after the
 * body is read): here who may upload is settled on the request line, so nobody else gets to send
 * megabytes. The raw image is the body, with its own content type and size limit; everything else the
 * API takes is small JSON.
 */
export function brandingImageRoutes(branding: Branding, authenticator: Authenticator): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRequest', authenticator.requireUser);
    app.addHook('onRequest', async (request) => branding.assertMayChange(authenticator.principal(request)));
    // Only the image types: JSON (or anything else) here is refused before it is read.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser([...BRANDING_IMAGE_TYPES], { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    for (const kind of BRANDING_IMAGE_KINDS) {
      await app.register(async (route) => {
        route.setErrorHandler(imageErrors(kind));
        route.put(`/${kind}`, { bodyLimit: BRANDING_IMAGE_LIMITS[kind].maxBytes }, async (request) =>
          branding.upload(authenticator.actor(request), kind, request.headers['content-type'], request.body),
        );
        route.delete(`/${kind}`, async (request) => branding.remove(authenticator.actor(request), kind));
      });
    }
  };
}

/** The framework's refusals of a body, in this route's words and codes; the rest as everywhere. */
function imageErrors(kind: BrandingImageKind) {
  const handle = errorHandler(BRANDING_IMAGE_LIMITS[kind].maxBytes);
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    switch (err.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return handle(unsupported(), request, reply);
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return handle(tooLarge(kind), request, reply);
      default:
        return handle(err, request, reply);
    }
  };
}
