// Active meetings: who is in each, and each one's room on a media server.
export { RoomRegistry } from './registry';
export { MeetingRoom } from './meeting-room';
export { Participant, type ParticipantSink } from './participant';
export { RoomClosedError } from './errors';
export { LocalDoor, type MeetingDoor, type RoomRequest, type Seat, type SeatSink } from './seat';
