// Types every domain shares: who acts (principals) and what a meeting is to the rest of the server.
export type {
  Principal,
  UserPrincipal,
  GuestPrincipal,
  EgressPrincipal,
  RoomPrincipal,
  EgressTokenSource,
  PrincipalSource,
} from './principal';
export type {
  MeetingRecord,
  MeetingLookup,
  MeetingEntry,
  MeetingLifecycle,
  E2eeAnchorStore,
  LiveMeetings,
  RoomControl,
  ServerModeration,
} from './meeting';
export type { MeetingChatLog } from './meeting-chat';
export type { Attendance, CallLedger } from './call-ledger';
export type { PlatformEvent, PlatformEvents } from './platform-events';
export { NO_PLATFORM_EVENTS } from './platform-events';
export type {
  CapturePurpose,
  CaptureRequest,
  RunningCapture,
  MeetingCapture,
  CaptureRules,
  CapturePolicy,
  CaptureNotices,
  CaptureActor,
  CaptureStop,
  CaptureAudit,
} from './capture';
export { NO_CAPTURE } from './capture';
export { DomainEvents, roomRecipient } from './events';
export { DELETED_PERSON } from './principal';
export { meetingJoinUrl } from './meeting';
