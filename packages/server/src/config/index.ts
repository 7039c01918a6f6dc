export {
  loadConfig,
  ConfigError,
  sqlitePath,
  type Config,
  type MediaConfig,
  type LoadConfigOptions,
} from './config';
