export { DataKeys, UnknownMasterKeyError } from './data-keys';
export { SealError } from './envelope';
export { loadMasterKeys, MASTER_KEY_FILE, type MasterKeys } from './master-keys';
export { Vault } from './vault';
