// Temporary timing probe (not committed).
import { TestBrowser } from './support/browser';
import { TestServer } from './support/server';
import { completeSetup, createMeeting, signIn, joinSignedIn } from './support/app';

function instrument() {
  const t0 = () => (window as unknown as { __t0?: number }).__t0 ?? 0;
  const log: string[] = [];
  (window as unknown as { __log: string[] }).__log = log;
  const mark = (s: string) => log.push(`${Math.round(performance.now() - t0())} ${s}`);
  (window as unknown as { __mark: (s: string) => void }).__mark = mark;
  document.addEventListener(
    'click',
    (e) => {
      if ((e.target as Element).closest('button')?.textContent?.trim() === 'Join meeting') {
        (window as unknown as { __t0?: number }).__t0 = performance.now();
        mark('click');
      }
    },
    true,
  );
  const RealWS = window.WebSocket;
  window.WebSocket = function (url: string, p?: string) {
    const ws = new RealWS(url, p);
    mark('ws new');
    ws.addEventListener('open', () => mark('ws open'));
    ws.addEventListener('message', (e) => mark('in ' + String(JSON.parse(e.data as string).type)));
    const send = ws.send.bind(ws);
    ws.send = (d: string) => {
      mark('out ' + String(JSON.parse(d).type));
      send(d);
    };
    return ws;
  } as unknown as typeof WebSocket;
  const RealPC = window.RTCPeerConnection;
  let n = 0;
  window.RTCPeerConnection = function (cfg?: RTCConfiguration) {
    const pc = new RealPC(cfg);
    const id = ++n;
    pc.addEventListener('connectionstatechange', () => mark(`pc${id} ${pc.connectionState}`));
    pc.addEventListener('iceconnectionstatechange', () => mark(`pc${id} ice ${pc.iceConnectionState}`));
    pc.addEventListener('track', (e) => mark(`pc${id} track ${e.track.kind}`));
    pc.addEventListener('icegatheringstatechange', () => mark(`pc${id} gathering ${pc.iceGatheringState}`));
    pc.addEventListener('icecandidate', (e) =>
      mark(`pc${id} local cand ${e.candidate?.candidate.split(' ').slice(4, 8).join(' ') ?? 'end'}`),
    );
    for (const m of [
      'setRemoteDescription',
      'setLocalDescription',
      'createAnswer',
      'createOffer',
      'addIceCandidate',
    ] as const) {
      const orig = (pc as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[m]!.bind(pc);
      (pc as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) => {
        const d = a[0] as { sdp?: string; type?: string; candidate?: string } | undefined;
        mark(
          `pc${id} ${m} start ${d?.type ?? ''} ${d?.sdp ? 'cands=' + (d.sdp.match(/a=candidate/g)?.length ?? 0) : ''} ${d?.candidate ?? ''}`,
        );
        const r = await orig(...a);
        mark(`pc${id} ${m} done`);
        return r;
      };
    }
    return pc;
  } as unknown as typeof RTCPeerConnection;
  const realFetch = window.fetch;
  window.fetch = async (...a: Parameters<typeof fetch>) => {
    const r = await realFetch(...a);
    mark('fetch ' + String(a[0]) + ' ' + r.status);
    return r;
  };
  const watch = () =>
    document.querySelectorAll<HTMLVideoElement>('[data-self="false"] video').forEach((v) => {
      if ((v as unknown as { __w?: boolean }).__w) return;
      (v as unknown as { __w?: boolean }).__w = true;
      v.addEventListener('loadeddata', () => mark('loadeddata'));
      v.requestVideoFrameCallback(() => mark('first frame'));
    });
  new MutationObserver(watch).observe(document, { childList: true, subtree: true });
}

const server = await TestServer.start({ env: { CONCLAVE_LOG_LEVEL: 'warn' } });
const browser = await TestBrowser.launch();
try {
  await completeSetup(server);
  const a = await browser.newParticipant('Ada', { distinctCamera: false });
  await signIn(a.context, server);
  const meeting = await createMeeting(a.context, server, 'Probe');
  await joinSignedIn(a.page, meeting.joinUrl);
  for (let k = 0; k < 0; k++) {
    const t = performance.now();
    const r = await fetch(`${server.url}/api/meetings/${meeting.id}/guests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'X' + k }),
    });
    console.log('guest token', r.status, Math.round(performance.now() - t), 'ms');
  }
  for (let i = 0; i < 3; i++) {
    const p = await browser.newParticipant('G' + i, { distinctCamera: false });
    await p.context.addInitScript(instrument);
    await p.page.goto(meeting.joinUrl);
    await p.page.getByLabel('Your name').fill('G' + i);
    await p.page.waitForFunction(() =>
      Array.from(document.querySelectorAll('video')).some((v) => v.videoWidth > 0),
    );
    await p.page.getByRole('button', { name: 'Join meeting' }).click();
    await p.page.waitForFunction(
      () => (window as unknown as { __log: string[] }).__log.some((l) => l.endsWith('first frame')),
      null,
      { timeout: 20000 },
    );
    console.log((await p.page.evaluate(() => (window as unknown as { __log: string[] }).__log)).join('\n'));
    console.log('---');
    await p.page.getByRole('button', { name: 'Leave meeting' }).click();
    await p.context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
