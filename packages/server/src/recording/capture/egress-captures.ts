import type { Clock } from '../../common/clock';
import type {
  CaptureRequest,
  EgressPrincipal,
  EgressTokenSource,
  MeetingCapture,
  RunningCapture,
} from '../../domain';
import { HeadlessBrowser } from '../../common/headless-browser';
import { Capture, type CaptureOutput } from './capture';
import { EgressTokens } from './egress-tokens';
import { Packager } from './packager';

export interface EgressCapturesOptions {
  /** The service's public address: the recorder's page comes from there, like everyone's. */
  publicUrl: string;
  /** Debian's Chromium. */
  browser: string;
  /** Debian's ffmpeg. */
  ffmpeg: string;
  clock: Clock;
  /** Where a capture's media goes: the sealed recording store, a live stream. */
  output(request: CaptureRequest, captureId: string): Promise<CaptureOutput>;
  /** How long a recorder has to join and connect back (default 30 s). */
  helloTimeoutMs?: number;
  /** How long a stopped recorder has to send what it has left (default 15 s). */
  endTimeoutMs?: number;
}

/**
 * The recordings and live streams this node captures (REC-START, STREAM-LIVE), each by a recorder it
 * launches: a headless Chromium on the app's recorder page, joined by a token of its own, which
 * sends what it records back over the recorder socket to ffmpeg and on to the output.
 */
export class EgressCaptures implements MeetingCapture, EgressTokenSource {
  private readonly tokens = new EgressTokens();
  private readonly running = new Map<string, Capture>();

  constructor(private readonly options: EgressCapturesOptions) {}

  async start(request: CaptureRequest, onFailed: (error: Error) => void): Promise<RunningCapture> {
    const { options } = this;
    const { token, principal } = this.tokens.issue(request, options.clock.now());
    const url = new URL('/egress.html', options.publicUrl);
    url.hash = new URLSearchParams({ meeting: request.meetingId, token }).toString();
    const capture = new Capture(
      {
        launch: () => HeadlessBrowser.launch(options.browser, url.href, 'recorder'),
        pack: (packing) => Packager.start(options.ffmpeg, packing),
        output: () => options.output(request, principal.egressId),
        release: () => {
          this.tokens.revoke(token);
          this.running.delete(token);
        },
        helloTimeoutMs: options.helloTimeoutMs ?? 30_000,
        endTimeoutMs: options.endTimeoutMs ?? 15_000,
      },
      onFailed,
    );
    this.running.set(token, capture);
    await capture.begin();
    return { stop: () => capture.stop() };
  }

  principalFromEgressToken(token: string): EgressPrincipal | null {
    return this.tokens.principalFromEgressToken(token);
  }

  /** The capture whose recorder says hello with `token`, or null. */
  find(token: string): Capture | null {
    return this.running.get(token) ?? null;
  }

  /** The server stops: every capture ends as it is, its output kept. */
  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((capture) => capture.stop()));
  }
}
