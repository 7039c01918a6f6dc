export { loadConfig, sqlitePath, type Config } from './config';
export { ConfigError } from './errors';
export { DEFAULT_CONFIG_FILE } from './file';
export { SETTINGS } from './settings';
export { findDefaultWebDir } from './web-dir';
