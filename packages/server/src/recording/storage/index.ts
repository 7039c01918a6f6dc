export { createObjectStore, parseRecordingStores, storeForRegion } from './config';
export { RecordingUnreadableError, type UnreadableReason } from './errors';
export { LocalStore } from './local-store';
export { RecordingStorage } from './recording-storage';
export { S3Store, type S3StoreOptions } from './s3-store';
export { ObjectStoreError, type ObjectStore } from './store';
