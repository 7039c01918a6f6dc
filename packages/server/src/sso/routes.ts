import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { SetSsoConfigRequest, SsoConfigView, SsoStatus } from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { IssuedSession } from '../auth';
import { AppError } from '../common/errors';
import { SamlRefusal } from './saml';
import type { SingleSignOn } from './service';

/** A SAML response is a few kilobytes; a large signed one with many attributes stays well under this. */
const SAML_FORM_LIMIT = 256 * 1024;

/**
 * Under /api/auth/sso, open to anyone: what the sign-in page offers, this site's SAML metadata, and
 * the sign-ins themselves (a redirect to the identity provider and its way back). Failures come back
 * to the sign-in page as `?sso_error=<code>`, never as a page of their own; the reason is logged.
 */
export function ssoSignInRoutes(
  sso: SingleSignOn,
  authenticator: Authenticator,
  publicUrl: string,
): FastifyPluginAsync {
  /** Signs the browser in and sends it on; or back to the sign-in page with the refusal's code. */
  const complete = async (
    request: FastifyRequest,
    reply: FastifyReply,
    signIn: () => Promise<{ session: IssuedSession; next: string }>,
  ) => {
    try {
      const { session, next } = await signIn();
      authenticator.startSession(reply, session);
      request.log.info({ userId: session.view.user.id }, 'signed in through single sign-on');
      // 303: the way back from a SAML provider is a POST; the next page is fetched with GET.
      return await reply.redirect(next, 303);
    } catch (err) {
      const refusal = err instanceof SamlRefusal ? new AppError(400, 'sso_failed', err.message) : err;
      if (!(refusal instanceof AppError)) throw err;
      request.log.info({ code: refusal.code, reason: refusal.message }, 'single sign-on refused');
      return reply.redirect(`/sign-in?sso_error=${encodeURIComponent(refusal.code)}`, 303);
    }
  };

  return async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: SAML_FORM_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    app.get('/', async (): Promise<SsoStatus> => sso.status());

    app.get<{ Querystring: { next?: string } }>('/oidc/start', async (request, reply) => {
      const config = await sso.begin('oidc', request.ip);
      const { url, token } = await sso.oidc.start(config, request.query.next);
      authenticator.setSsoCookie(reply, token);
      return reply.redirect(url, 302);
    });

    app.get('/oidc/callback', async (request, reply) => {
      authenticator.setSsoCookie(reply, null);
      return complete(request, reply, () =>
        sso.oidc.finish(authenticator.ssoToken(request), new URL(request.url, publicUrl), request.ip),
      );
    });

    app.get('/saml/metadata', async (_request, reply) =>
      reply.type('application/samlmetadata+xml').send(sso.saml.metadata()),
    );

    app.get<{ Querystring: { next?: string } }>('/saml/start', async (request, reply) => {
      const config = await sso.begin('saml', request.ip);
      return reply.redirect(await sso.saml.start(config, request.query.next), 302);
    });

    app.post<{ Body: Record<string, unknown> | undefined }>('/saml/acs', async (request, reply) =>
      complete(request, reply, async () =>
        sso.saml.finish(await sso.answer(request.ip), request.body ?? {}, request.ip),
      ),
    );
  };
}

/** Under /api/sso, in the signed-in context: the organisation's identity provider (settings.sso). */
export function ssoConfigRoutes(sso: SingleSignOn, authenticator: Authenticator): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<SsoConfigView> => sso.view(authenticator.principal(request)));
    app.put('/', async (request): Promise<SsoConfigView> =>
      sso.configure(authenticator.actor(request), request.body as SetSsoConfigRequest),
    );
  };
}
