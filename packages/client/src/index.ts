/**
 * Conclave browser SDK: join a meeting, publish the camera and microphone, receive everyone else.
 *
 *   const room = new Room();
 *   room.on('trackSubscribed', (track, publication, participant) => …);
 *   await room.connect({ meetingId, guestToken });
 *   await room.localParticipant.setCameraEnabled(false);
 *   await room.disconnect();
 */
export { Room } from './room';
export type { ConnectOptions, RecoveryCounts, RoomOptions } from './room-options';
export type { ConnectionState, DisconnectReason, RoomEvents } from './room-events';
export type { CaptureState } from './capture';
export type { CaptureEndReason } from '@conclave/protocol';
export { Participant } from './participant';
export type { ParticipantKind } from './participant';
export { LocalParticipant } from './local-participant';
export type { LocalSourceOptions } from './local-participant';
export { RemoteParticipant } from './remote-participant';
export { TrackPublication, LocalTrackPublication, RemoteTrackPublication } from './publication';
export type { TrackKind } from './publication';
export { createLocalTrack } from './devices';
export type { CaptureSource, DeviceKind, LocalTrackOptions } from './devices';
export type { MediaStats } from './stats';
export type { ConnectionQuality } from './connection-quality';
export type { MediaPath } from './media-path';
export { MeetingChat } from './meeting-chat';
export type { ChatMessage, MeetingChatEvents } from './meeting-chat';
export type { VideoQuality } from './simulcast';
export { ConclaveError, SignalingError, MediaDeviceError, EffectError } from './errors';
export type { ClientErrorCode, ConclaveErrorCode } from './errors';
export type { SocketLike, SocketFactory } from './signaling';
export type { TrackSource } from '@conclave/protocol';
export type { E2eeState } from './e2ee/controller';
export { isE2eeSupported, deviceCodeword, codewordOfKey } from './e2ee/support';
export type { Codeword, SecurityCode } from '@conclave/e2ee';
export { ChatClient } from './chat/chat-client';
export type { ChatClientOptions, ChatEvents } from './chat/chat-events';
export type { ChatHistory } from './chat/history';
export type { FetchLike } from './regions';
export type { TrackProcessor } from './effects/processor';
export { EffectUnavailableError } from './effects/processor';
export { NoiseSuppressionProcessor } from './effects/noise-suppression';
export type { NoiseSuppressionOptions } from './effects/noise-suppression';
export { BackgroundProcessor } from './effects/background';
export type { BackgroundEffect, BackgroundOptions } from './effects/background';
