export * from './errors';
export * from './api';
export * from './admin';
export * from './invitations';
export * from './settings';
export * from './branding';
export * from './sso';
export * from './account';
export * from './passkeys';
export * from './signaling';
export * from './regions';
export * from './calls';
export * from './chat';
export * from './platform';
export type { E2eeJoinInfo, E2eeServerMessage } from './e2ee';
export type { CaptureNotice, CaptureEndReason, CaptureRight, CaptureServerMessage } from './capture';
export { MEETING_CHAT_HISTORY, type MeetingChatLine, type MeetingChatServerMessage } from './meeting-chat';
export {
  textSchema,
  normaliseText,
  textProblem,
  graphemeLength,
  DISPLAY_NAME_RULE,
  MEETING_NAME_RULE,
  MEETING_DESCRIPTION_RULE,
  ORGANISATION_NAME_RULE,
  type TextRule,
} from './text';
export { parseClientMessage, describeIssue, type ParseResult } from './parse';
export {
  EGRESS_PATH,
  EGRESS_SUBPROTOCOL,
  EGRESS_MIME_TYPE,
  EGRESS_FRAME_BYTES,
  egressClientMessageSchema,
  type EgressServerMessage,
} from './egress';
export {
  SIP_GATEWAY_PATH,
  SIP_GATEWAY_SUBPROTOCOL,
  sipGatewayClientMessageSchema,
  type SipGatewayClientMessage,
  type SipGatewayServerMessage,
  type SipPrompt,
} from './sip-gateway';
export {
  RECORDING_VISIBILITIES,
  MAX_RECORDING_VIEWERS,
  shareRecordingRequestSchema,
  openRecordingLinkRequestSchema,
  type RecordingVisibility,
  type RecordingStatus,
  type RecordingView,
  type RecordingListView,
  type ShareRecordingRequest,
  type ShareRecordingResponse,
} from './recordings';
export {
  MAX_REPORT_DAYS,
  usageQuerySchema,
  usageCsvQuerySchema,
  usageReportSchema,
  type UsageQuery,
  type UsageCsvQuery,
  type UsageTable,
  type UsageFigures,
  type UsageDay,
  type UsageUser,
  type UsageMeeting,
  type UsageRoomSystem,
  type UsageReport,
} from './reports';
export type { PersonalDataExport } from './personal-data';
export {
  PAIRING_ALPHABET,
  PAIRING_CODE_LENGTH,
  PAIRING_POLL_MS,
  ROOM_SESSION_POLL_MS,
  ROOM_ONLINE_MS,
  normalisePairingCode,
  registerRoomSystemRequestSchema,
  type EventAlertView,
  type EventAlertListView,
  updateRoomSystemRequestSchema,
  restoreRoomSystemRequestSchema,
  roomMeetingQuerySchema,
  ROOM_DAY_POLL_MS,
  roomDayQuerySchema,
  type RoomDayQuery,
  type RoomDayMeeting,
  type RoomDayView,
  type PairingStartView,
  type PairingStatusView,
  type RoomSessionView,
  type RoomMeetingView,
  type AdminRoomSystemView,
  type RegisterRoomSystemRequest,
  type UpdateRoomSystemRequest,
  type RestoreRoomSystemRequest,
} from './room-systems';
export type { CalendarFeedStatus, CalendarFeedCreated, MeetingInviteView } from './calendar';
export {
  WEBHOOK_EVENTS,
  MAX_WEBHOOK_ENDPOINTS,
  createWebhookRequestSchema,
  updateWebhookRequestSchema,
  webhookSettingsSchema,
  type WebhookEventType,
  type CreateWebhookRequest,
  type UpdateWebhookRequest,
  type WebhookSettings,
  type WebhookDeliveryStatus,
  type WebhookDeliveryView,
  type WebhookEndpointView,
  type WebhookSecretView,
  type CreatedWebhookView,
  type WebhookListView,
  type WebhookDeliveryListView,
  type WebhookPayload,
} from './webhooks';
