import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** Who the identity provider signs in next, as its login page would after a password. */
export interface IdpPerson {
  sub: string;
  email: string;
  name: string;
  emailVerified?: boolean;
}

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1 for tests: one confidential client,
 * PKCE required, signed ID tokens. Its login and consent are answered at once for `person`, as if
 * they had typed their password: the test drives the rest with plain HTTP requests.
 */
export class TestIdp {
  person: IdpPerson = { sub: 'alice', email: 'alice@acme.test', name: 'Alice Example' };

  private constructor(
    readonly issuer: string,
    readonly clientId: string,
    readonly clientSecret: string,
    private readonly server: Server,
  ) {}

  /** Over HTTPS with `tls` (a certificate for 127.0.0.1), else plain HTTP. */
  static async start(redirectUri: string, tls?: { key: string; cert: string }): Promise<TestIdp> {
    const clientId = 'conclave';
    const clientSecret = 'a client secret of the test identity provider';
    let idp: TestIdp | null = null;
    const server: Server = tls ? createTlsServer(tls) : createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      pkce: { required: () => true },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      findAccount: (_ctx, sub) => ({
        accountId: sub,
        claims: () => {
          const p = idp!.person;
          return { sub, email: p.email, email_verified: p.emailVerified ?? true, name: p.name };
        },
      }),
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      features: { devInteractions: { enabled: false } },
    });
    server.on('request', (req, res) => {
      if (!req.url?.startsWith('/interaction/')) {
        void provider.callback()(req, res);
        return;
      }
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        const accountId = idp!.person.sub;
        const grant = new provider.Grant({ accountId, clientId: details.params.client_id as string });
        grant.addOIDCScope('openid email profile');
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      })().catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
    idp = new TestIdp(issuer, clientId, clientSecret, server);
    return idp;
  }

  /**
   * Follows the browser's redirects from the authorization URL through the provider (keeping its
   * cookies) until the provider sends the browser back to `until`; returns that address.
   */
  async authorize(url: string, until: string): Promise<URL> {
    const cookies = new Map<string, string>();
    let next = new URL(url);
    for (let hops = 0; hops < 10; hops++) {
      if (next.href.startsWith(until)) return next;
      const res = await fetch(next, {
        redirect: 'manual',
        headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair!.indexOf('=');
        cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
      }
      const location = res.headers.get('location');
      if (!location) throw new Error(`The identity provider answered ${res.status}: ${await res.text()}`);
      next = new URL(location, next);
    }
    throw new Error('Too many redirects at the identity provider');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
