import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { janusUnavailableReason } from './media-support/janus';

const here = dirname(fileURLToPath(import.meta.url));

test(
  'embedded Janus does not outlive a control plane killed with SIGKILL',
  { skip: janusUnavailableReason() ?? false, timeout: 30_000 },
  async () => {
    // A real control-plane process (only its supervisor) that prints its Janus pid when ready.
    const script = `
      import { JanusSupervisor } from ${JSON.stringify(join(here, '../src/media/janus-supervisor.ts'))};
      const s = new JanusSupervisor({ binary: '/usr/bin/janus', wsPort: 0, rtpPortRange: { min: 41000, max: 41100 }, iceInterfaces: null });
      s.once('ready', (e) => console.log('JANUS_PID ' + e.pid));
      await s.start();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const janusPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /JANUS_PID (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error(`supervisor process exited early: ${out}`)));
    });
    assert.ok(existsSync(`/proc/${janusPid}`), 'Janus runs while its supervisor does');

    child.kill('SIGKILL');
    const deadline = Date.now() + 5_000;
    while (isAlive(janusPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isAlive(janusPid), false, 'Janus still running after its supervisor was killed');
  },
);

/** Alive and not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !/^State:\s+Z/m.test(readStatus(pid));
}

function readStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}
