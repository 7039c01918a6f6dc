export {
  loadConfig,
  sqlitePath,
  CONFIG_FILE_VARIABLE,
  type Config,
  type MediaConfig,
  type LoadConfigOptions,
} from './config';
export { ConfigError } from './errors';
export { DEFAULT_CONFIG_FILE } from './file';
export { SETTINGS } from './settings';
export { findDefaultWebDir } from './web-dir';
