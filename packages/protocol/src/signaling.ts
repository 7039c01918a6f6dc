import { z } from 'zod';
import { displayNameSchema, ID_PATTERN, passcodeSchema } from './api';
import type { ERROR_CODES } from './errors';
import { regionRttsSchema } from './regions';
import {
  admissionSchema,
  e2eeClientMessageSchemas,
  identityKeySchema,
  type E2eeJoinInfo,
  type E2eeServerMessage,
} from './e2ee';
import { meetingChatClientMessageSchemas, type MeetingChatServerMessage } from './meeting-chat';
import { captureClientMessageSchemas, type CaptureNotice, type CaptureServerMessage } from './capture';

/**
 * Signaling protocol: one WebSocket per client at SIGNALING_PATH, subprotocol SIGNALING_SUBPROTOCOL.
 * The version lives in the subprotocol so an incompatible client is refused at the handshake.
 * Every message is a JSON object with a `type`; requests may carry `rid`, echoed by the reply
 * (`ack`, `joined`, `publishAnswer`, `pong` or `error`) so a client can await it.
 */
export const SIGNALING_PATH = '/api/signal';
export const SIGNALING_SUBPROTOCOL = 'conclave.v1';
/** Larger frames are refused with `message_too_large`; multistream SDPs stay far below this. */
export const MAX_SIGNAL_MESSAGE_BYTES = 64 * 1024;

/** `screen`: a shared screen, window or tab (MEET-SHARE), a video track beside the camera. */
export const TRACK_SOURCES = ['microphone', 'camera', 'screen'] as const;
export const trackSourceSchema = z.enum(TRACK_SOURCES);
export type TrackSource = z.infer<typeof trackSourceSchema>;

const rid = z.string().min(1).max(64).optional();
const id = z.string().regex(ID_PATTERN, 'Not a valid ID');
const sdp = z.string().min(1).max(MAX_SIGNAL_MESSAGE_BYTES);
const mid = z.string().min(1).max(32);

export const iceCandidateSchema = z.object({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(32).nullish(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullish(),
});
export type IceCandidate = z.infer<typeof iceCandidateSchema>;

export const peerTargetSchema = z.enum(['publisher', 'subscriber']);
export type PeerTarget = z.infer<typeof peerTargetSchema>;

// ---- client → server ----

/** How a participant's videos are chosen: by the server (`auto`) or by what its client shows (`chosen`). */
export const VIDEO_SUBSCRIPTIONS = ['auto', 'chosen'] as const;
export type VideoSubscription = (typeof VIDEO_SUBSCRIPTIONS)[number];

export const joinMessageSchema = z
  .object({
    type: z.literal('join'),
    rid,
    meetingId: id,
    /** Guests authenticate with the token from POST /api/meetings/:id/guests; users by session cookie. */
    guestToken: z.string().min(1).max(512).optional(),
    /**
     * A guest without a token names themselves here instead, saving the HTTP round trip before
     * joining; the server issues the token and returns it in `joined` for rejoining.
     */
    displayName: displayNameSchema.optional(),
    /** The device's E2EE identity key; required to join an end-to-end encrypted meeting. */
    identityKey: identityKeySchema.optional(),
    /** The meeting's passcode, when it has one (MEET-PASSCODE). Never logged. */
    passcode: passcodeSchema.optional(),
    /**
     * Round-trip times (ms) the browser measured to each media region (GET /api/regions). The first
     * participants' place a new meeting in their nearest region (NET-REGIONS); later ones' are unused.
     */
    regionRtts: regionRttsSchema.optional(),
    /**
     * Takes up a participation this client already has on a new socket (its old one went with the
     * server it was on), with the `resumeToken` of its `joined`: same participant, same peer
     * connections, no lobby and no passcode again; or its wait in the lobby, with the token of its
     * `waiting` (answered by `waiting` again). Refused with `resume_failed` when the server
     * cannot (then join afresh). The same person must ask: the session cookie or the guest token.
     */
    resume: z.object({ participantId: id, token: z.string().min(16).max(128) }).optional(),
    /**
     * Which videos this participant receives (MEET-QUALITY): `auto` (the default) the first
     * MAX_VIEW_VIDEO others publish, screens first, then cameras in the order people joined; `chosen`
     * only those its latest `setView` names, none until it sends one. Audio is the server's choice
     * either way (see `setView`).
     */
    videoSubscription: z.enum(VIDEO_SUBSCRIPTIONS).optional(),
    /**
     * The recorder the server launched for a recording or live stream (REC-START, STREAM-LIVE) joins
     * with the token it was started with: it sees and hears the meeting, is in nobody's roster, sends
     * nothing, and may do nothing else.
     */
    egressToken: z.string().min(16).max(128).optional(),
    /**
     * Joins as the room system this browser was paired as (ADM-ROOMS), by its room cookie rather than
     * a person's session: it enters like a person of its organisation who is not a moderator.
     */
    roomSystem: z.literal(true).optional(),
  })
  .refine(
    (m) =>
      m.egressToken === undefined ||
      (m.guestToken === undefined && m.displayName === undefined && m.resume === undefined),
    { message: 'A recorder joins by its token alone', path: ['egressToken'] },
  )
  .refine(
    (m) =>
      m.roomSystem === undefined ||
      (m.guestToken === undefined && m.displayName === undefined && m.egressToken === undefined),
    { message: 'A room system joins by its room cookie alone', path: ['roomSystem'] },
  )
  .refine((m) => m.guestToken === undefined || m.displayName === undefined, {
    message: 'Send a guest token or a display name, not both',
    path: ['displayName'],
  })
  .refine((m) => m.resume === undefined || m.displayName === undefined, {
    message: 'A resume names no new guest: send the guest token',
    path: ['displayName'],
  });

export const publishMessageSchema = z.object({
  type: z.literal('publish'),
  rid,
  sdp,
  /** Which media section carries which source. */
  tracks: z
    .array(z.object({ mid, source: trackSourceSchema }))
    .min(1)
    .max(TRACK_SOURCES.length),
});

export const subscriptionAnswerMessageSchema = z.object({ type: z.literal('subscriptionAnswer'), rid, sdp });

/**
 * The publishing connection lost its way to the media server (MEET-RECONNECT): an offer made with
 * `iceRestart` on the same connection, for the same media sections. Answered by `publishAnswer`; refused
 * with `invalid_state` when nothing is published (publish afresh), `rate_limited` when asked too often.
 */
export const restartPublisherIceMessageSchema = z.object({
  type: z.literal('restartPublisherIce'),
  rid,
  sdp,
});

/**
 * The receiving connection lost its way to the media server (MEET-RECONNECT): acknowledged, then a
 * `subscriptionOffer` with new ICE credentials follows, answered as any other.
 */
export const restartSubscriberIceMessageSchema = z.object({ type: z.literal('restartSubscriberIce'), rid });

export const trickleMessageSchema = z.object({
  type: z.literal('trickle'),
  target: peerTargetSchema,
  /** null means end of candidates. */
  candidate: iceCandidateSchema.nullable(),
});

export const setMuteMessageSchema = z.object({
  type: z.literal('setMute'),
  rid,
  source: trackSourceSchema,
  muted: z.boolean(),
});

/** Simulcast layers of a camera (MEET-QUALITY): 0 the lowest resolution, 2 the highest. */
export const MAX_VIDEO_SUBSTREAM = 2;
/** Temporal layers within a simulcast layer: 0 the lowest frame rate, 2 the full one. */
export const MAX_VIDEO_TEMPORAL = 2;
/** At most this many streams are named in one `setVideoLayers` (a subscription holds no more video). */
export const MAX_VIDEO_LAYER_REQUESTS = 100;

/**
 * Which simulcast layer of each received video this client wants (MEET-QUALITY), by the `mid` of its
 * own subscription's media section: what fits the tile it is shown in and the bandwidth it has. The
 * server accepts only video sections of the sender's own subscription. A stream not named keeps
 * what it had (the highest layer at first).
 */
export const setVideoLayersMessageSchema = z.object({
  type: z.literal('setVideoLayers'),
  rid,
  layers: z
    .array(
      z.object({
        mid,
        substream: z.number().int().min(0).max(MAX_VIDEO_SUBSTREAM),
        temporal: z.number().int().min(0).max(MAX_VIDEO_TEMPORAL),
      }),
    )
    .min(1)
    .max(MAX_VIDEO_LAYER_REQUESTS),
});

/**
 * Videos one participant receives at most (MEET-QUALITY): a full gallery page and a few screens. A
 * subscription's offer, and its answer, depend on this and never on how many are in the meeting.
 */
export const MAX_VIEW_VIDEO = 30;

/** A video a client shows, and the simulcast layer its tile needs to start with (see setVideoLayers). */
export const viewEntrySchema = z.object({
  participantId: id,
  source: z.enum(['camera', 'screen']),
  substream: z.number().int().min(0).max(MAX_VIDEO_SUBSTREAM).optional(),
});
export type ViewEntry = z.infer<typeof viewEntrySchema>;

/** Two views that name the same videos (at the same starting layers) in any order are the same view. */
export const viewKey = (view: readonly ViewEntry[]): string =>
  view
    .map((e) => `${e.participantId}/${e.source}/${e.substream ?? ''}`)
    .sort()
    .join();

/**
 * The videos this client shows now (MEET-QUALITY, MEET-LAYOUT): the server keeps its subscription to
 * exactly these (as far as they are published and unmuted), replacing the previous view; it applies
 * with `videoSubscription: 'chosen'` only. Entries naming nobody in the meeting are ignored. Audio
 * stays the server's choice: everyone's while few speakers are unmuted, else the latest speakers'.
 */
export const setViewMessageSchema = z.object({
  type: z.literal('setView'),
  rid,
  video: z.array(viewEntrySchema).max(MAX_VIEW_VIDEO),
});

// ---- moderation (MEET-LOBBY, MEET-MOD-MUTE, MEET-MOD-REMOVE, MEET-MODERATORS): moderators only ----

/** At most this many people are named in one moderation request; the lobby holds no more either. */
export const MAX_MODERATION_TARGETS = 200;
const targets = z.array(id).min(1).max(MAX_MODERATION_TARGETS);

/**
 * Lets people in from the lobby. In an end-to-end encrypted meeting the anchor's device signs each
 * one's admission as its person clicks, so their keys come from that decision (E2EE-ADMIT).
 */
export const admitMessageSchema = z.object({
  type: z.literal('admit'),
  rid,
  participantIds: targets,
  admissions: z
    .array(z.object({ participantId: id, admission: admissionSchema }))
    .max(MAX_MODERATION_TARGETS)
    .optional(),
});

/** Turns people in the lobby away; they are told so. */
export const rejectMessageSchema = z.object({ type: z.literal('reject'), rid, participantIds: targets });

/**
 * Mutes the named participants' microphone or camera (none named: everyone but the moderators). The
 * media server stops forwarding it; they may unmute themselves only if `allowUnmute`.
 */
export const muteParticipantsMessageSchema = z.object({
  type: z.literal('muteParticipants'),
  rid,
  participantIds: targets.optional(),
  source: trackSourceSchema,
  allowUnmute: z.boolean(),
});

/** Lets the named participants (none named: everyone) unmute a source a moderator muted. */
export const allowUnmuteMessageSchema = z.object({
  type: z.literal('allowUnmute'),
  rid,
  participantIds: targets.optional(),
  source: trackSourceSchema,
});

/** Removes the named participants (none named: everyone but the moderators). */
export const removeParticipantsMessageSchema = z.object({
  type: z.literal('removeParticipants'),
  rid,
  participantIds: targets.optional(),
});

/** Makes a participant a moderator of this meeting, or no longer one (owner, Superusers, Administrators). */
export const setModeratorMessageSchema = z.object({
  type: z.literal('setModerator'),
  rid,
  participantId: id,
  moderator: z.boolean(),
});

// ---- in-meeting essentials (MEET-LAYOUT) ----

/** Raises or lowers one's own hand; only one's own (a moderator lowers others' with `lowerHand`). */
export const raiseHandMessageSchema = z.object({ type: z.literal('raiseHand'), rid, raised: z.boolean() });

/** A moderator lowers someone else's raised hand. */
export const lowerHandMessageSchema = z.object({ type: z.literal('lowerHand'), rid, participantId: id });

export const leaveMessageSchema = z.object({ type: z.literal('leave'), rid });
export const pingMessageSchema = z.object({ type: z.literal('ping'), rid });

export const clientMessageSchema = z.discriminatedUnion('type', [
  joinMessageSchema,
  publishMessageSchema,
  subscriptionAnswerMessageSchema,
  restartPublisherIceMessageSchema,
  restartSubscriberIceMessageSchema,
  trickleMessageSchema,
  setMuteMessageSchema,
  setVideoLayersMessageSchema,
  setViewMessageSchema,
  admitMessageSchema,
  rejectMessageSchema,
  muteParticipantsMessageSchema,
  allowUnmuteMessageSchema,
  removeParticipantsMessageSchema,
  setModeratorMessageSchema,
  raiseHandMessageSchema,
  lowerHandMessageSchema,
  leaveMessageSchema,
  pingMessageSchema,
  ...e2eeClientMessageSchemas,
  ...meetingChatClientMessageSchemas,
  ...captureClientMessageSchemas,
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;

// ---- server → client ----

export interface TrackInfo {
  source: TrackSource;
  /** Muted by its owner: the media server forwards nothing for it. */
  muted: boolean;
}

/** How others see someone: a person with an account, a guest, or a meeting-room device (ADM-ROOMS). */
/** `sip` and `phone`: callers through the SIP gateway (INTEROP-SIP, INTEROP-PSTN), guests by kind. */
export type ParticipantKind = 'user' | 'guest' | 'room' | 'sip' | 'phone';

export interface ParticipantInfo {
  id: string;
  displayName: string;
  kind: ParticipantKind;
  /** May admit, mute and remove others (MEET-MODERATORS). */
  moderator: boolean;
  /** Published tracks; absent sources are not published. */
  tracks: TrackInfo[];
  joinedAt: string;
  /** When they raised their hand (absent: it is down); hands are answered in this order. */
  handRaisedAt?: string;
}

/** Someone waiting in the lobby, as moderators see them. */
export interface WaitingInfo {
  /** Their participant id once admitted. */
  id: string;
  displayName: string;
  kind: ParticipantKind;
  /** When they started waiting. */
  since: string;
  /** Their device identity key in an end-to-end encrypted meeting, so that moderators see its Codeword. */
  identityKey?: string;
}

/** One media section of the subscriber connection and whose track it carries. */
export interface StreamInfo {
  mid: string;
  participantId: string;
  source: TrackSource;
  kind: 'audio' | 'video';
}

export interface IceServerInfo {
  urls: string[];
  username?: string;
  credential?: string;
}

export type LeaveReason = 'left' | 'disconnected' | 'removed' | 'media_failure';

/**
 * Why the server ended a participation. `replaced`: the same guest token or session opened a newer
 * connection; `meeting_ended`: the meeting was deleted; `session_ended`: the user signed out;
 * `rejected`: a moderator turned them away from the lobby (or the lobby waited too long);
 * `removed`: a moderator removed them.
 */
export type DisconnectedReason =
  LeaveReason | 'replaced' | 'server_shutdown' | 'meeting_ended' | 'session_ended' | 'rejected';

export type ServerMessage =
  | {
      type: 'joined';
      rid?: string;
      participantId: string;
      meeting: { id: string; name: string };
      participants: ParticipantInfo[];
      iceServers: IceServerInfo[];
      /**
       * Present when the organisation relays all media (NET-TURN): the browser uses only the relays in
       * `iceServers`, never a direct path, so that nothing but the relays' addresses is contacted.
       */
      iceTransportPolicy?: 'relay';
      /** Issued to a guest who joined with a display name: use it to rejoin as the same guest. */
      guestToken?: string;
      /** Present exactly when the meeting is end-to-end encrypted. */
      e2ee?: E2eeJoinInfo;
      /** Who waits in the lobby; present exactly when this participant is a moderator. */
      lobby?: WaitingInfo[];
      /**
       * Present when this participation can be taken up again on another socket (a join's `resume`)
       * should the server holding it go away (NET-SCALE); valid while the participation lasts.
       */
      resumeToken?: string;
      /**
       * This answers a resume, or tells a client unasked that its meeting is now held by another
       * server: the roster as it is now. The peer connections stay as they are.
       */
      resumed?: true;
      /** Present while the meeting is being recorded: by whom and since when (REC-NOTICE). */
      recording?: CaptureNotice;
      /** Present while the meeting is streamed live: by whom and since when. */
      streaming?: CaptureNotice;
    }
  /**
   * The answer to a join that must wait in the lobby: nothing about the meeting's people and no media
   * until a moderator admits (then `joined` follows) or rejects (then `disconnected`).
   */
  | {
      type: 'waiting';
      rid?: string;
      participantId: string;
      meeting: { id: string; name: string };
      guestToken?: string;
      /**
       * Present when the wait can be taken up again on another socket (a join's `resume`) should the
       * server holding it go away (NET-SCALE); valid while the wait lasts (admission brings a new one).
       */
      resumeToken?: string;
      /** This answers a resume: the wait goes on, from when it began. */
      resumed?: true;
    }
  /** To moderators: who waits in the lobby now (the whole list, on every change). */
  | { type: 'lobby'; waiting: WaitingInfo[] }
  /** A moderator muted this participant's `source`; it may unmute it itself only when `canUnmute`. */
  | { type: 'mutedByModerator'; source: TrackSource; moderatorName: string; canUnmute: boolean }
  /** A moderator lets this participant unmute `source` again. */
  | { type: 'unmuteAllowed'; source: TrackSource; moderatorName: string }
  /**
   * The meeting moved to another media server (its own failed): publish again on a fresh connection;
   * a fresh subscription offer follows. Nobody left: the roster stands (NET-FAILOVER).
   */
  | { type: 'mediaMoved' }
  /**
   * Who is speaking now, by the media server's audio levels (MEET-LAYOUT): the latest few (at most
   * five), the latest first, on every change (changes close together come as one). Never a muted
   * microphone.
   */
  | { type: 'activeSpeakers'; participantIds: string[] }
  | { type: 'participantJoined'; participant: ParticipantInfo }
  | { type: 'participantUpdated'; participant: ParticipantInfo }
  | { type: 'participantLeft'; participantId: string; reason: LeaveReason }
  | { type: 'publishAnswer'; rid?: string; sdp: string }
  /** Sent for the first subscription and again, with the full list, whenever it changes. */
  | { type: 'subscriptionOffer'; sdp: string; streams: StreamInfo[] }
  /**
   * Media sections of the subscription now carry someone else's track, without a new offer (the
   * media server switched their source): only the sections that changed.
   */
  | { type: 'streamsSwitched'; streams: StreamInfo[] }
  | { type: 'trickle'; target: PeerTarget; candidate: IceCandidate | null }
  | { type: 'ack'; rid?: string }
  | { type: 'pong'; rid?: string }
  | E2eeServerMessage
  | MeetingChatServerMessage
  | CaptureServerMessage
  /** The server ends this participation; the socket closes right after. */
  | { type: 'disconnected'; reason: DisconnectedReason; message: string }
  | {
      type: 'error';
      rid?: string;
      code: (typeof ERROR_CODES)[number];
      message: string;
      field?: string;
    };

export type ServerMessageType = ServerMessage['type'];
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;
