// Active meetings: who is in each, and each one's room on a media server.
export { RoomRegistry } from './registry';
export type { IceConfig, JoinExtras, JoinReply } from './room-context';
export { RoomClosedError } from './errors';
export type { MeetingMemories, MeetingMemory } from './meeting-memory';
export type { RoomState, RoomStates } from './room-state';
export { LocalDoor, OWNER_LOST, type MeetingDoor, type RoomRequest, type Seat, type SeatSink } from './seat';
export { personKey } from './roles';
export { checkTarget, LocalRoomControl, meetingNotLive, rosterEntryOfState } from './server-control';
