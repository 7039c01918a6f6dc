export { RecordingUnreadableError, type UnreadableReason } from './errors';
export { LocalStore } from './local-store';
export { RecordingStorage } from './recording-storage';
export { ObjectStoreError, type ObjectStore } from './store';
