export { signalingPlugin, createSignalingPlugin, type SignalingOptions } from './plugin';
export { RoomRegistry, MeetingRoom, Participant, type RoomContext } from './room';
export { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './rate-limit';
export type { SignalingAuth, MeetingLookup, MeetingRecord } from './ports';
