import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ID_PATTERN } from '@conclave/protocol';
import type { Authenticator } from '../../auth';
import { AppError } from '../../common/errors';
import type { OrganisationSettings } from '../../settings';
import type { LiveStream, LiveStreams } from './live-streams';

const id = z.string().regex(ID_PATTERN, 'Not a valid id');
type Stream = { Params: { meetingId: string } };
type Segment = { Params: { meetingId: string; segment: string } };

const noStream = () => new AppError(404, 'not_found', 'This meeting is not streamed live now');

/**
 * Under /api/streams, open to everyone (STREAM-LIVE): a meeting's live stream as hls.js (or Safari)
 * plays it: the playlist, its AES-128-encrypted segments, and the key, which every request checks:
 * with the organisation's `streaming.organisationOnly`, only its signed-in people get anything.
 */
export function liveStreamRoutes(
  streams: LiveStreams,
  settings: Pick<OrganisationSettings, 'of'>,
  authenticator: Authenticator,
): FastifyPluginAsync {
  const watchable = async (request: FastifyRequest, meetingId: string): Promise<LiveStream> => {
    const stream = streams.get(id.parse(meetingId));
    if (!stream) throw noStream();
    if ((await settings.of(stream.organisationId)).streaming.organisationOnly) {
      const user = await authenticator.optionalPrincipal(request);
      // Anyone else is answered as if nothing were streamed.
      if (user?.organisationId !== stream.organisationId) throw noStream();
    }
    return stream;
  };
  return async (app) => {
    app.get<Stream>('/:meetingId/index.m3u8', async (request, reply) => {
      const stream = await watchable(request, request.params.meetingId);
      const playlist = await streams.playlist(stream);
      if (playlist === null) throw new AppError(404, 'not_found', 'The live stream is starting');
      return reply
        .header('content-type', 'application/vnd.apple.mpegurl')
        .header('cache-control', 'no-store')
        .send(playlist);
    });
    app.get<Stream>('/:meetingId/key', async (request, reply) => {
      const stream = await watchable(request, request.params.meetingId);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('cache-control', 'no-store')
        .send(stream.key);
    });
    app.get<Segment>('/:meetingId/:segment', async (request, reply) => {
      const stream = await watchable(request, request.params.meetingId);
      const bytes = await streams.segment(stream, request.params.segment);
      if (!bytes) throw new AppError(404, 'not_found', 'No such segment (any more)');
      return reply
        .header('content-type', 'video/mp2t')
        .header('cache-control', 'private, max-age=60')
        .send(bytes);
    });
  };
}
