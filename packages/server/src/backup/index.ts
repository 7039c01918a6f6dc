export { runBackupCli, type CliContext } from './cli';
