import { makeTestTls, type TestTls } from '../../../packages/server/test/support/tls';
import { completeSetup } from './app';
import { TestBrowser } from './browser';
import { CutLink } from './cut-link';
import { spkiHash } from './https';
import { sleep } from './media';
import { freePort } from './ports';
import { TestServer } from './server';

/**
 * NET-TURN's stage: a server with its embedded coturn (UDP, TCP and TLS, the certificate made for the
 * server's address) reached at the outside end of a CutLink; Ada's browser in the test's namespace,
 * Bob's in the CutLink's own, whose firewall (`link.firewall`) plays a strict corporate network.
 */
export class RelayStage {
  private constructor(
    readonly link: CutLink,
    readonly server: TestServer,
    readonly ada: TestBrowser,
    readonly bob: TestBrowser,
    readonly turnPort: number,
    readonly tlsPort: number,
    private readonly tls: TestTls,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<RelayStage> {
    const link = await CutLink.open(2);
    // The relay is reached at the server's address (the public URL's host); its TLS certificate is for it.
    const tls = makeTestTls(link.serverAddress);
    let server: TestServer | null = null;
    let ada: TestBrowser | null = null;
    try {
      const turnPort = await freePort();
      const tlsPort = await freePort();
      server = await TestServer.start({
        address: link.serverAddress,
        env: {
          CONCLAVE_TURN: 'embedded',
          CONCLAVE_TURN_PORT: String(turnPort),
          CONCLAVE_TURN_TLS_PORT: String(tlsPort),
          CONCLAVE_TURN_TLS_CERT: tls.certFile,
          CONCLAVE_TURN_TLS_KEY: tls.keyFile,
          CONCLAVE_TURN_RELAY_PORTS: '50000-50999',
          ...env,
        },
      });
      const deadline = Date.now() + 15_000;
      while ((await server.health()).turn !== 'ready') {
        if (Date.now() > deadline) throw new Error('the embedded TURN relay did not become ready');
        await sleep(100);
      }
      const secure = [`--unsafely-treat-insecure-origin-as-secure=${server.url}`];
      ada = await TestBrowser.launch({ extraArgs: secure });
      // Chromium verifies the relay's certificate as it does a web server's, against an NSS database
      // that needs certutil to add a CA to (see https.test.ts): it trusts exactly the relay's key instead.
      const bob = await TestBrowser.launch({
        extraArgs: [...secure, `--ignore-certificate-errors-spki-list=${spkiHash(tls.key)}`],
        executablePath: link.chromium,
      });
      await completeSetup(server);
      return new RelayStage(link, server, ada, bob, turnPort, tlsPort, tls);
    } catch (err) {
      await ada?.close();
      await server?.stop();
      await link.close();
      tls.remove();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.link.firewall([]);
    await this.ada.close();
    await this.bob.close();
    await this.server.stop();
    await this.link.close();
    this.tls.remove();
  }
}
