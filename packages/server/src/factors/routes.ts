import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  PASSKEY_ID_PATTERN,
  type Confirmation,
  type ConfirmTotpRequest,
  type PasskeySignInRequest,
  type PasskeyView,
  type RecoveryCodesView,
  type RegisterPasskeyRequest,
  type RegisteredPasskeyView,
  type RenamePasskeyRequest,
  type SessionView,
  type TotpSetupView,
} from '@conclave/protocol';
import type { Authenticator } from '../auth';
import { notFound } from '../common/errors';
import type { Confirmations } from './confirmations';
import type { PasskeySignIn } from './passkey-sign-in';
import type { Passkeys } from './passkeys';
import type { SecondFactors } from './service';

type PasskeyParams = { Params: { id: string } };

/** Under /api/account, in the signed-in context: the caller's own second factors. */
export function factorRoutes(
  factors: SecondFactors,
  passkeys: Passkeys,
  confirmations: Confirmations,
  authenticator: Authenticator,
): FastifyPluginAsync {
  const passkeyId = (request: FastifyRequest<PasskeyParams>): string => {
    if (!PASSKEY_ID_PATTERN.test(request.params.id)) throw notFound('You have no such passkey');
    return request.params.id;
  };
  return async (app) => {
    // What a passkey answers to confirm a change in place of the current password (a Confirmation).
    app.post('/confirm/passkey-options', async (request) =>
      confirmations.passkeyOptions(authenticator.principal(request).userId),
    );

    app.post('/totp', async (request): Promise<TotpSetupView> =>
      factors.startTotp(authenticator.actor(request)),
    );

    app.post('/totp/confirm', async (request): Promise<RecoveryCodesView> =>
      factors.confirmTotp(authenticator.actor(request), request.body as ConfirmTotpRequest),
    );

    app.post('/totp/remove', async (request, reply) => {
      await factors.removeTotp(authenticator.actor(request), request.body as Confirmation);
      return reply.code(204).send();
    });

    app.post('/recovery-codes', async (request): Promise<RecoveryCodesView> =>
      factors.renewRecoveryCodes(authenticator.actor(request), request.body as Confirmation),
    );

    app.post('/passkeys/options', async (request) =>
      passkeys.registrationOptions(authenticator.actor(request), request.body as Confirmation),
    );

    app.post('/passkeys', async (request, reply): Promise<RegisteredPasskeyView> => {
      const registered = await passkeys.register(
        authenticator.actor(request),
        request.body as RegisterPasskeyRequest,
      );
      reply.code(201);
      return registered;
    });

    app.patch<PasskeyParams>('/passkeys/:id', async (request): Promise<PasskeyView> =>
      passkeys.rename(authenticator.actor(request), passkeyId(request), request.body as RenamePasskeyRequest),
    );

    app.post<PasskeyParams>('/passkeys/:id/remove', async (request, reply) => {
      await passkeys.remove(authenticator.actor(request), passkeyId(request), request.body as Confirmation);
      return reply.code(204).send();
    });
  };
}

/**
 * Under /api/auth, open to anyone: signing in with a passkey alone, and the options for a passkey as
 * the second step of a password sign-in (under /sign-in, where the cookie of that sign-in is sent).
 */
export function passkeySignInRoutes(signIn: PasskeySignIn, authenticator: Authenticator): FastifyPluginAsync {
  return async (app) => {
    app.post('/passkey/options', async (request) => signIn.options(request.ip));

    app.post('/passkey', async (request, reply): Promise<SessionView> => {
      const issued = await signIn.signIn(request.body as PasskeySignInRequest);
      authenticator.startSession(reply, issued);
      request.log.info({ userId: issued.view.user.id }, 'signed in with a passkey');
      return issued.view;
    });

    app.post('/sign-in/passkey/options', async (request) =>
      signIn.secondFactorOptions(authenticator.challengeToken(request), request.ip),
    );
  };
}
