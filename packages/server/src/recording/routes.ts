import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ID_PATTERN,
  openRecordingLinkRequestSchema,
  shareRecordingRequestSchema,
  type RecordingListView,
  type RecordingView,
  type ShareRecordingResponse,
} from '@conclave/protocol';
import type { Authenticator } from '../auth';
import { parseRange } from './range';
import type { RecordingService, Viewer } from './service';

const id = z.string().regex(ID_PATTERN, 'Not a valid id');
type WithId = { Params: { id: string } };

/** The shared link's key, once given, as the browser keeps it for that one recording. */
const LINK_COOKIE = 'conclave_recording_link';
const LINK_COOKIE_SECONDS = 12 * 60 * 60;
const cookiePath = (recordingId: string) => `/api/recordings/${recordingId}`;

/**
 * Under /api/recordings, open to everyone (REC-ACCESS): one recording and its file, for whoever may
 * view it, signed in or holding its shared link (as a cookie for that recording alone, never in an
 * address a log could keep); and taking a shared link's key. Every request is checked afresh.
 */
export function publicRecordingRoutes(
  recordings: RecordingService,
  authenticator: Authenticator,
  secure: boolean,
): FastifyPluginAsync {
  const viewerOf = async (request: FastifyRequest): Promise<Viewer> => ({
    user: await authenticator.optionalPrincipal(request),
    linkKey: request.cookies[LINK_COOKIE] ?? null,
  });
  return async (app) => {
    app.get<WithId>('/:id', async (request): Promise<RecordingView> =>
      recordings.view(await viewerOf(request), id.parse(request.params.id)),
    );

    app.get<WithId>('/:id/media', async (request, reply) => {
      const media = await recordings.media(await viewerOf(request), id.parse(request.params.id));
      return sendRange(request, reply, media.size, (start, end) => media.stream(start, end));
    });

    app.post<WithId>('/:id/link', async (request, reply) => {
      const recordingId = id.parse(request.params.id);
      const { key } = openRecordingLinkRequestSchema.parse(request.body);
      await recordings.checkLink(recordingId, key, request.ip);
      reply.setCookie(LINK_COOKIE, key, {
        path: cookiePath(recordingId),
        httpOnly: true,
        sameSite: 'strict',
        secure,
        maxAge: LINK_COOKIE_SECONDS,
      });
      return reply.code(204).send();
    });
  };
}

/** Under /api/recordings, in the signed-in context: the list, sharing and deleting. */
export function recordingRoutes(
  recordings: RecordingService,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<RecordingListView> =>
      recordings.list(authenticator.principal(request)),
    );
    app.put<WithId>('/:id/sharing', async (request): Promise<ShareRecordingResponse> =>
      recordings.share(
        authenticator.actor(request),
        id.parse(request.params.id),
        shareRecordingRequestSchema.parse(request.body),
      ),
    );
    app.delete<WithId>('/:id', async (request, reply) => {
      await recordings.remove(authenticator.actor(request), id.parse(request.params.id));
      return reply.code(204).send();
    });
  };
}

/**
 * The file, or the one byte range the request asks for (206), as a browser's player seeks; a range
 * beyond the end is refused (416). Several ranges at once are answered with the whole file.
 */
function sendRange(
  request: FastifyRequest,
  reply: FastifyReply,
  size: number,
  read: (start: number, end: number) => NodeJS.ReadableStream,
) {
  reply
    .header('content-type', 'video/mp4')
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, no-store');
  const range = parseRange(request.headers.range, size);
  if (range === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${size}`).send();
  }
  if (size === 0) return reply.code(200).header('content-length', 0).send();
  const [start, end] = range ?? [0, size - 1];
  if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`);
  return reply.header('content-length', end - start + 1).send(read(start, end));
}
