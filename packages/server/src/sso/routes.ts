import type { FastifyPluginAsync } from 'fastify';
import type { SetSsoConfigRequest, SsoConfigView, SsoStatus } from '@conclave/protocol';
import type { Authenticator } from '../auth';
import { AppError } from '../common/errors';
import type { SingleSignOn } from './service';

/**
 * Under /api/auth/sso, open to anyone: what the sign-in page offers, and the OpenID Connect sign-in
 * itself (a redirect to the identity provider and its way back). Failures come back to the sign-in
 * page as `?sso_error=<code>`, never as a page of their own.
 */
export function ssoSignInRoutes(
  sso: SingleSignOn,
  authenticator: Authenticator,
  publicUrl: string,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (): Promise<SsoStatus> => sso.status());

    app.get<{ Querystring: { next?: string } }>('/oidc/start', async (request, reply) => {
      const { url, token } = await sso.start(request.query.next, request.ip);
      authenticator.setSsoCookie(reply, token);
      return reply.redirect(url, 302);
    });

    app.get('/oidc/callback', async (request, reply) => {
      authenticator.setSsoCookie(reply, null);
      try {
        const { session, next } = await sso.finish(
          authenticator.ssoToken(request),
          new URL(request.url, publicUrl),
          request.ip,
        );
        authenticator.setCookie(reply, session.token, session.expiresAt);
        request.log.info({ userId: session.view.user.id }, 'signed in through single sign-on');
        return await reply.redirect(next, 302);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        request.log.info({ code: err.code }, 'single sign-on refused');
        return reply.redirect(`/sign-in?sso_error=${encodeURIComponent(err.code)}`, 302);
      }
    });
  };
}

/** Under /api/sso, in the signed-in context: the organisation's identity provider (settings.sso). */
export function ssoConfigRoutes(sso: SingleSignOn, authenticator: Authenticator): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<SsoConfigView> => sso.view(authenticator.principal(request)));
    app.put('/', async (request): Promise<SsoConfigView> =>
      sso.configure(
        { principal: authenticator.principal(request), clientIp: request.ip },
        request.body as SetSsoConfigRequest,
      ),
    );
  };
}
