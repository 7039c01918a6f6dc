import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSelfSigned } from '../../../packages/server/test/support/tls';
import { freePort } from './ports';

/** Debian's SimpleSAMLphp 1.19 (scripts/setup.mjs installs it); its config comes from our own dir. */
const SSP_WWW = '/usr/share/simplesamlphp/www';
const PHP = '/usr/bin/php';

const EMAIL_NAMEID = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const HTTP_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

/** A real third-party SAML 2.0 IdP on 127.0.0.1, users signing in through its username/password form. */
export interface SimpleSamlIdp {
  /** Also the URL of its metadata, as SimpleSAMLphp names its IdPs by default. */
  entityId: string;
  /** SingleSignOnService, HTTP-Redirect binding. */
  ssoUrl: string;
  /** The IdP's SAML 2.0 metadata (EntityDescriptor with its signing certificate), as it serves it. */
  metadataXml: string;
  /** The certificate it signs with, PEM. */
  certificatePem: string;
  /** Opening this URL starts an IdP-initiated sign-in to the SP, which ends in a POST to its ACS. */
  idpInitiatedUrl(relayState?: string): string;
  /** Stops PHP and removes every file the IdP had. */
  stop(): Promise<void>;
}

/**
 * Starts SimpleSAMLphp under PHP's built-in web server with a fresh configuration in a temporary
 * directory: a signing key, one `exampleauth:UserPass` source with `users`, and `sp` as the only
 * known SP. Assertions are signed (and so is the Response, SimpleSAMLphp's default); the NameID is
 * the user's email (emailAddress format); `email` and `displayName` are released as basic attributes.
 */
export async function startSimpleSamlIdp(o: {
  /** The service provider under test; its ACS takes the HTTP-POST binding. */
  sp: { entityId: string; acsUrl: string };
  users: readonly { username: string; password: string; email: string; displayName: string }[];
}): Promise<SimpleSamlIdp> {
  if (!existsSync(SSP_WWW) || !existsSync(PHP))
    throw new Error(
      'SimpleSAMLphp is not installed (Debian packages simplesamlphp, php-cli): run scripts/setup.mjs --for-tests',
    );
  for (const u of o.users)
    if (u.username.includes(':'))
      throw new Error(`exampleauth:UserPass usernames cannot hold ':' (${u.username})`);

  const dir = await mkdtemp(join(tmpdir(), 'conclave-simplesamlphp-'));
  const at = (name: string) => join(dir, name);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const entityId = `${baseUrl}/saml2/idp/metadata.php`;

  let stderr = '';
  let server: ChildProcess | undefined;
  let exited = Promise.resolve();
  const stop = async () => {
    if (server?.exitCode === null) server.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };

  try {
    for (const d of ['config', 'metadata', 'cert', 'data', 'tmp', 'log', 'cache', 'sessions'])
      await mkdir(at(d));
    writeSelfSigned('Conclave test SimpleSAMLphp IdP', at('cert/idp.key'), at('cert/idp.crt'));
    const certificatePem = await readFile(at('cert/idp.crt'), 'utf8');

    await writeFile(
      at('config/config.php'),
      phpFile('config', {
        // A full URL: SimpleSAMLphp then builds every link from it instead of guessing from PHP's server variables.
        baseurlpath: `${baseUrl}/`,
        certdir: at('cert'),
        metadatadir: at('metadata'),
        datadir: at('data'),
        tempdir: at('tmp'),
        loggingdir: at('log'),
        'template.cache': at('cache'),
        // Required; 1.19 refuses the example value its config template carries.
        secretsalt: randomBytes(24).toString('hex'),
        'enable.saml20-idp': true,
        // 1.19 ships exampleauth with a `default-disable` file; this list overrides it.
        'module.enable': { exampleauth: true },
        'session.phpsession.savepath': at('sessions'),
        // php -S's stderr is what a failed start reports; WARNING keeps it to what went wrong.
        'logging.handler': 'stderr',
        'logging.level': 4, // SimpleSAML\Logger::WARNING
        'logging.format': '%level [%trackid] %msg', // php -S already stamps each line with the time
      }),
    );
    await writeFile(
      at('config/authsources.php'),
      phpFile('config', {
        // PHP's [ 'exampleauth:UserPass', 'user:password' => attributes, … ]: key '0' is PHP's 0.
        'conclave-users': {
          '0': 'exampleauth:UserPass',
          ...Object.fromEntries(
            o.users.map((u) => [
              `${u.username}:${u.password}`,
              { email: [u.email], displayName: [u.displayName] },
            ]),
          ),
        },
      }),
    );
    await writeFile(
      at('metadata/saml20-idp-hosted.php'),
      phpFile('metadata', {
        [entityId]: {
          host: '__DEFAULT__',
          privatekey: 'idp.key',
          certificate: 'idp.crt',
          auth: 'conclave-users',
          NameIDFormat: EMAIL_NAMEID,
          'simplesaml.nameidattribute': 'email',
          'attributes.NameFormat': 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
        },
      }),
    );
    await writeFile(
      at('metadata/saml20-sp-remote.php'),
      phpFile('metadata', {
        [o.sp.entityId]: {
          AssertionConsumerService: [{ Binding: HTTP_POST, Location: o.sp.acsUrl, index: 0 }],
          NameIDFormat: EMAIL_NAMEID,
          'simplesaml.nameidattribute': 'email',
          attributes: ['email', 'displayName'],
        },
      }),
    );

    // Without a router script, php -S serves static files itself and gives `/module.php/…` its PATH_INFO.
    const child = spawn(PHP, ['-S', `127.0.0.1:${port}`, '-t', SSP_WWW], {
      cwd: dir,
      env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: at('config') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    server = child;
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // Every request adds a line; keep the tail, which is where a failure shows.
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-8_000)));

    const metadataXml = await waitForMetadata(entityId, child, () => stderr);
    return {
      entityId,
      ssoUrl: `${baseUrl}/saml2/idp/SSOService.php`,
      metadataXml,
      certificatePem,
      idpInitiatedUrl: (relayState) => {
        const q = new URLSearchParams({ spentityid: o.sp.entityId });
        if (relayState !== undefined) q.set('RelayState', relayState);
        return `${baseUrl}/saml2/idp/SSOService.php?${q}`;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The metadata, once PHP answers: SimpleSAMLphp reports a broken config as an HTML page with status 200. */
async function waitForMetadata(url: string, php: { exitCode: number | null }, stderr: () => string) {
  const deadline = Date.now() + 15_000;
  const failed = (why: string) =>
    new Error(`SimpleSAMLphp did not start (${why}); php's stderr:\n${stderr()}`);
  for (;;) {
    let res: Response | undefined;
    try {
      res = await fetch(url);
    } catch {
      // Not listening yet.
    }
    if (res) {
      const body = await res.text();
      if (res.ok && body.includes('EntityDescriptor')) return body;
      const title = /<title>([^<]*)<\/title>/.exec(body)?.[1] ?? body.slice(0, 200);
      throw failed(`${url} answered ${res.status}: ${title.trim()}`);
    }
    if (php.exitCode !== null) throw failed(`php exited with code ${php.exitCode}`);
    if (Date.now() > deadline) throw failed('no answer within 15 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

type PhpValue = string | number | boolean | null | PhpValue[] | { [key: string]: PhpValue };

/** A PHP file that sets `$variable`, which is how SimpleSAMLphp reads its config and metadata. */
function phpFile(variable: 'config' | 'metadata', value: PhpValue): string {
  return `<?php\n$${variable} = ${php(value)};\n`;
}

function php(v: PhpValue): string {
  if (v === null) return 'null';
  // Inside single quotes PHP knows only two escapes, \\ and \'.
  if (typeof v === 'string') return `'${v.replace(/[\\']/g, '\\$&')}'`;
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(php).join(', ')}]`;
  return `[${Object.entries(v)
    .map(([k, x]) => `${php(k)} => ${php(x)}`)
    .join(', ')}]`;
}
