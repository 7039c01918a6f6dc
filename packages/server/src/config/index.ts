export {
  loadConfig,
  ConfigError,
  sqlitePath,
  type Config,
  type MediaConfig,
  type LoadConfigOptions,
} from './config';
export { findDefaultWebDir } from './web-dir';
