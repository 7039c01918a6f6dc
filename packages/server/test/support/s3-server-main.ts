/**
 * An S3-protocol server for the storage tests (s3-server.ts starts it): @20minutes/s3rver on a free
 * port of 127.0.0.1, keeping its objects in the folder given, with the bucket given. It runs in a
 * process of its own because its ListObjectsV2 continuation tokens use DES, which OpenSSL 3 offers
 * only under --openssl-legacy-provider, a flag the test process itself should not run with.
 */
import S3rver from '@20minutes/s3rver';

const [directory, bucket] = process.argv.slice(2);
if (!directory || !bucket) throw new Error('usage: s3-server-main.ts DIRECTORY BUCKET');
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
});
const address = await server.run();
console.log(`listening ${address.port}`);
process.on('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
