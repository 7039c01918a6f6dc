// `npm run backup -- --out FILE` and `npm run restore -- FILE [--force]` (see backup/cli.ts).
// Bundled by esbuild into packages/server/dist/backup.js beside the server; also runs from source with tsx.
import { runBackupCli } from './backup';

const code = await runBackupCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  print: (line) => console.log(line),
  printError: (line) => console.error(line),
});
process.exit(code);
