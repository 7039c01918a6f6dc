// Checks a file of SFrame test vectors in the format of RFC 9605 (sections header, aes_ctr_hmac and
// sframe): `npm run -s -w packages/e2ee vectors -- FILE`. Prints each failure, then "N passed, M failed";
// exits non-zero when any vector failed or the file could not be read.
import { readFile } from 'node:fs/promises';
import { checkVectors } from '../src/index';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run -s -w packages/e2ee vectors -- FILE');
  process.exit(2);
}
try {
  const report = await checkVectors(await readFile(file, 'utf8'));
  for (const line of report.failures) console.log(`FAIL ${line}`);
  for (const section of report.ignoredSections)
    console.log(`(not an RFC 9605 section, not checked: ${section})`);
  console.log(`${report.passed} passed, ${report.failed} failed`);
  process.exit(report.failed === 0 && report.passed > 0 ? 0 : 1);
} catch (err) {
  console.error(`cannot check ${file}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
