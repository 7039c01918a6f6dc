export { runBackupCli } from './cli';
