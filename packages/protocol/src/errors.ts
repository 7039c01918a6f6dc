/**
 * Stable machine-readable error codes shared by the REST API and the signaling socket.
 * Clients switch on these; never rename one, only add.
 */
export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'csrf_failed',
  'not_found',
  'meeting_not_found',
  'meeting_full',
  /** A one-time meeting that has taken place (or lay unused too long): its link is dead (410). */
  'meeting_ended',
  /** A setting that cannot change while people are in the meeting (end-to-end encryption). */
  'meeting_in_progress',
  'conflict',
  'setup_already_done',
  'setup_required',
  'setup_token_invalid',
  'invalid_credentials',
  'rate_limited',
  'message_too_large',
  'unknown_message',
  'not_joined',
  'already_joined',
  'invalid_state',
  'media_unavailable',
  'media_error',
  'e2ee_required',
  'e2ee_refused',
  /** The meeting has a passcode and the join came without one. */
  'passcode_required',
  /** The passcode given is not the meeting's. */
  'passcode_wrong',
  /** A moderator muted this source and has not allowed unmuting it (MEET-MOD-MUTE). */
  'muted_by_moderator',
  /** A request named a media section this participant's subscription does not have (or not of video). */
  'unknown_stream',
  /** The lobby of this meeting has as many people waiting as it holds. */
  'lobby_full',
  /** A moderator turned this person away from the lobby; they cannot ask again while the meeting lasts. */
  'rejected',
  /** No media server is in the region a request names (GET /api/regions lists those that exist). */
  'unknown_region',
  /**
   * A part of the service that this request needs is not answering (the shared limit store), so it
   * is refused rather than let through unchecked (503); trying again shortly can succeed.
   */
  'unavailable',
  /**
   * A resume named a participation the server cannot take up again (unknown, over, or another
   * person's): join afresh. Nothing was changed.
   */
  'resume_failed',
  /** No user by that id in the caller's organisation. */
  'user_not_found',
  /** The organisation turned chat off (CHAT-TOGGLE): history stays readable, nothing new is sent. */
  'chat_disabled',
  /** An account with that email address exists already (anywhere on this installation). */
  'email_taken',
  /** This account's access was revoked by a Superuser or Administrator (IAM-REVOKE). */
  'access_revoked',
  /** New accounts are limited to the organisation's allowed email domains (IAM-DOMAINS). */
  'domain_not_allowed',
  /** Single sign-on did not complete (state, PKCE, token or identity checks failed). */
  'sso_failed',
  /** The organisation has no single sign-on configured, or the identity provider cannot be reached. */
  'sso_unavailable',
  /** The organisation signs in through its identity provider only. */
  'sso_only',
  /** A password reset link that is unknown, expired or used (404): ask for a new one. */
  'reset_invalid',
  /** The second factor given at sign-in was wrong, used before, or its sign-in expired. */
  'second_factor_failed',
  /**
   * The organisation requires a second factor and this account has none yet: until one is set up, this
   * session may only set one up (403).
   */
  'second_factor_setup_required',
  /** An invitation link that is unknown, expired, revoked, replaced by a newer one, or used already. */
  'invitation_invalid',
  /** The organisation has as many pending invitations as it may; revoke some, or let them be used. */
  'too_many_invitations',
  /**
   * A passkey's answer was not accepted: a passkey this site does not know (or another person's),
   * made for another site, answering a challenge that is unknown, used or expired, or badly signed.
   */
  'passkey_failed',
  /**
   * The passkey's signature counter did not go up since its last use: the authenticator may have been
   * copied, so it is refused (401). Removing the passkey and registering the device again ends this.
   */
  'passkey_cloned',
  /** The call is not ringing any more: answered, declined, cancelled or missed (409). */
  'call_ended',
  /** The person called cannot take calls: their access was revoked (409). */
  'callee_unavailable',
  /** The caller has as many calls ringing at once as they may; wait for one to end (429). */
  'too_many_calls',
  /** The meeting someone is rung into has nobody in it (409): it must be running (MEET-ADD). */
  'meeting_not_live',
  /** The organisation has recording off (REC-TOGGLE): a Superuser or Administrator turns it on. */
  'recording_disabled',
  /**
   * Live streaming is off: for the organisation, or for this meeting (STREAM-TOGGLE: a Superuser or
   * Administrator enables it per meeting).
   */
  'streaming_disabled',
  /**
   * Not available in an end-to-end encrypted meeting (E2EE-LIMITS): the server holds no key to its media,
   * so it cannot record or stream it.
   */
  'e2ee_unavailable',
  /** This server cannot record or stream (no capture configured), or the capture could not start (503). */
  'recording_unavailable',
  /** No such recording, or not one the caller may view (404: the two look the same). */
  'recording_not_found',
  /** The organisation keeps recordings to itself (REC-ACCESS): no sharing by link (403). */
  'recording_link_disallowed',
  /**
   * A branding image that is not PNG, JPEG or WebP, or whose bytes are not what its content type says
   * (415): SVG and anything else is refused.
   */
  'image_unsupported',
  /** A branding image with more bytes than allowed (413). */
  'image_too_large',
  /** A branding image wider or taller than allowed, as its header says (400). */
  'image_dimensions_too_large',
  /** No pending pairing has that code: mistyped, expired or used already (ADM-ROOMS). */
  'pairing_code_invalid',
  /** No room system by that id in the caller's organisation (ADM-ROOMS). */
  'room_system_not_found',
  /** The organisation has calendar integration off (ADM-CALENDAR): no calendar feeds (403). */
  'calendar_disabled',
  /**
   * A calendar feed address that does not work (404): unknown, replaced by a newer one, deleted, its
   * person's access revoked, or calendar integration turned off.
   */
  'calendar_feed_not_found',
  /**
   * An API key that does not work (401): malformed, unknown, revoked, or its creator no longer
   * manages the organisation (docs/api.md).
   */
  'api_key_invalid',
  /** The API key works but lacks the scope this route needs (403); the answer names that scope. */
  'insufficient_scope',
  /** Nobody by that participant id is in the meeting now (404). */
  'participant_not_found',
  /**
   * A webhook address that is refused (400): not https (unless private targets are allowed), not
   * resolvable, or on a private, loopback, link-local or otherwise internal address.
   */
  'webhook_url_refused',
  /** No webhook endpoint by that id in the caller's organisation (404). */
  'webhook_not_found',
  /** The organisation has as many webhook endpoints as it may (409). */
  'too_many_webhooks',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Body of every non-2xx REST response, and payload of a signaling `error` frame. */
export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  /** Dotted path of the input field that was wrong, when one was. */
  field?: string;
}
