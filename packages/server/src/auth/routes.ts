import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  completePasswordResetSchema,
  guestTokenRequestSchema,
  passwordResetLinkRequestSchema,
  passwordResetRequestSchema,
  secondFactorRequestSchema,
  type SignInResultView,
  type PasswordResetLinkView,
  type PasswordResetStatus,
  setupRequestSchema,
  signInRequestSchema,
  type GuestTokenView,
  type SessionView,
  type SetupStatus,
  ID_PATTERN,
} from '@conclave/protocol';
import { notFound } from '../common/errors';
import type { MeetingLookup } from '../domain';
import type { Authenticator } from './http';
import type { PasswordResets } from './password-resets';
import type { AuthService, IssuedSession, SignInOutcome } from './service';

export interface AuthRoutesDeps {
  auth: AuthService;
  authenticator: Authenticator;
  meetings: MeetingLookup;
}

/** Signs the browser in, or leaves it the cookie of a sign-in that awaits its second factor. */
function answerSignIn(
  authenticator: Authenticator,
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: SignInOutcome,
): SignInResultView {
  if (outcome.challenge) {
    authenticator.setChallengeCookie(reply, outcome.challenge.token, outcome.challenge.expiresAt);
    return { secondFactor: { methods: outcome.challenge.methods } };
  }
  return signedIn(authenticator, request, reply, outcome.session);
}

function signedIn(
  authenticator: Authenticator,
  request: FastifyRequest,
  reply: FastifyReply,
  issued: IssuedSession,
): SessionView {
  authenticator.startSession(reply, issued);
  request.log.info({ userId: issued.view.user.id }, 'signed in');
  return issued.view;
}

/** Under /api/setup: first-run setup, open to anyone until it is done. */
export function setupRoutes({ auth, authenticator }: AuthRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (): Promise<SetupStatus> => auth.setupStatus());

    app.post('/', async (request, reply): Promise<SessionView> => {
      const input = setupRequestSchema.parse(request.body);
      const issued = await auth.setup(input);
      authenticator.startSession(reply, issued);
      request.log.info({ userId: issued.view.user.id }, 'first-run setup completed');
      reply.code(201);
      return issued.view;
    });
  };
}

/** Under /api/auth, open to anyone: signing in and out. */
export function authRoutes({ auth, authenticator }: AuthRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.post('/sign-in', async (request, reply): Promise<SignInResultView> => {
      const input = signInRequestSchema.parse(request.body);
      const outcome = await auth.signIn(input, request.ip, authenticator.deviceToken(request));
      return answerSignIn(authenticator, request, reply, outcome);
    });

    app.post('/sign-in/second-factor', async (request, reply): Promise<SessionView> => {
      const proof = secondFactorRequestSchema.parse(request.body);
      const issued = await auth.completeSignIn(authenticator.challengeToken(request), proof);
      authenticator.setChallengeCookie(reply, null);
      return signedIn(authenticator, request, reply, issued);
    });

    app.post('/sign-out', async (request, reply) => {
      const session = await authenticator.sessionFromRequest(request);
      if (session) {
        // Signing someone out is a write too: a cross-site page must not be able to do it.
        authenticator.checkCsrf(request, session);
        await auth.signOut(session.id);
        request.log.info({ userId: session.user.id }, 'signed out');
      }
      authenticator.clearCookie(reply);
      return reply.code(204).send();
    });
  };
}

/** Under /api/auth/password-reset, open to anyone: "Forgot password?" and the mailed link. */
export function passwordResetRoutes(
  resets: PasswordResets,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (): Promise<PasswordResetStatus> => ({ available: resets.available }));

    app.post('/', async (request, reply) => {
      const { email } = passwordResetRequestSchema.parse(request.body);
      await resets.request(email, request.ip);
      return reply.code(202).send({ accepted: true });
    });

    app.post('/link', async (request): Promise<PasswordResetLinkView> =>
      resets.check(passwordResetLinkRequestSchema.parse(request.body).token),
    );

    app.post('/complete', async (request, reply): Promise<SignInResultView> => {
      const { token, password } = completePasswordResetSchema.parse(request.body);
      const outcome = await resets.complete(token, password, request.ip);
      request.log.info('password reset; every session of the account ended');
      return answerSignIn(authenticator, request, reply, outcome);
    });
  };
}

/** Under /api/auth, in the signed-in context: the caller's own session. */
export function sessionRoutes({ authenticator }: AuthRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/session', async (request): Promise<SessionView> => {
      const s = authenticator.session(request);
      return {
        user: s.user,
        organisation: s.organisation,
        csrfToken: s.csrfToken,
        ...(s.secondFactorSetup && { secondFactorSetupRequired: true as const }),
      };
    });
  };
}

/** Under /api/meetings, open to anyone with a join link: a token for a named guest. */
export function guestRoutes({ auth, meetings }: AuthRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { id: string } }>('/:id/guests', async (request, reply): Promise<GuestTokenView> => {
      const input = guestTokenRequestSchema.parse(request.body);
      await auth.limitGuestRequests(request.ip);
      const id = request.params.id;
      const meeting = ID_PATTERN.test(id) ? await meetings.findMeeting(id) : null;
      if (!meeting) throw notFound('There is no meeting at this link', 'meeting_not_found');
      const { view } = await auth.issueGuest(meeting, input.displayName);
      reply.code(201);
      return view;
    });
  };
}
