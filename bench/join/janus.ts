import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A minimal Janus for the baseline, used until the server's media supervisor is available to
 * import: VideoRoom and WebSocket transport only, loopback API with a random secret, ICE on the
 * sandbox interface.
 */
export interface BenchJanus {
  url: string;
  apiSecret: string;
  adminKey: string;
  stop(): Promise<void>;
}

const LIB = '/usr/lib/x86_64-linux-gnu/janus';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export async function startBenchJanus(options: {
  rtpPorts: string;
  iceInterface: string | null;
}): Promise<BenchJanus> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-janus-'));
  for (const d of ['etc', 'plugins', 'transports', 'empty']) await mkdir(join(dir, d));
  await symlink(join(LIB, 'plugins/libjanus_videoroom.so'), join(dir, 'plugins/libjanus_videoroom.so'));
  await symlink(
    join(LIB, 'transports/libjanus_websockets.so'),
    join(dir, 'transports/libjanus_websockets.so'),
  );
  const apiSecret = randomBytes(18).toString('base64url');
  const adminKey = randomBytes(18).toString('base64url');
  const port = await freePort();
  const q = JSON.stringify;
  await writeFile(
    join(dir, 'etc/janus.jcfg'),
    `general: {
  configs_folder = ${q(join(dir, 'etc'))}
  plugins_folder = ${q(join(dir, 'plugins'))}
  transports_folder = ${q(join(dir, 'transports'))}
  events_folder = ${q(join(dir, 'empty'))}
  loggers_folder = ${q(join(dir, 'empty'))}
  debug_level = 3
  api_secret = ${q(apiSecret)}
}
media: { rtp_port_range = ${q(options.rtpPorts)} }
nat: { ${options.iceInterface ? `ice_enforce_list = ${q(options.iceInterface)}` : ''} }
`,
  );
  await writeFile(join(dir, 'etc/janus.plugin.videoroom.jcfg'), `general: { admin_key = ${q(adminKey)} }\n`);
  await writeFile(
    join(dir, 'etc/janus.transport.websockets.jcfg'),
    `general: { json = "plain", ws = true, ws_port = ${port}, ws_ip = "127.0.0.1", wss = false }\nadmin: { admin_ws = false }\n`,
  );
  const child: ChildProcess = spawn(
    '/usr/bin/janus',
    ['-C', join(dir, 'etc/janus.jcfg'), '-F', join(dir, 'etc')],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const deadline = Date.now() + 15_000;
  while (!(await connects(port))) {
    if (child.exitCode !== null) throw new Error(`janus exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('janus did not open its WebSocket port in 15 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `ws://127.0.0.1:${port}`,
    apiSecret,
    adminKey,
    async stop() {
      process.off('exit', kill);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(kill, 3000);
        await exited;
        clearTimeout(t);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}
