// The people of the chat benchmark, made through the real API as an organisation would: the
// Administrator by first-run setup, everyone else by the Administrator (POST /api/users), then each
// signed in with a session of its own and a notification socket open, as the web app keeps one.
// Each person comes from an address of its own (X-Forwarded-For, trusted from 127.0.0.1), as people
// on their own machines would: the server allows 100 notification sockets per address, and a group
// of 101 from one address would meet that limit instead of measuring chat.
import type { AdminUserView, SessionView } from '@conclave/protocol';

/** NOTIFICATIONS_PATH, NOTIFICATIONS_SUBPROTOCOL and CSRF_HEADER of @conclave/protocol, spelled out to keep this file type-only. */
const NOTIFICATIONS_PATH = '/api/notifications';
const NOTIFICATIONS_SUBPROTOCOL = 'conclave.notify.v1';
const CSRF_HEADER = 'x-conclave-csrf';
const PASSWORD = 'correct horse battery staple';
/** Argon2 runs on every account made and every sign-in: a few at a time keep both cores busy, no more. */
const SETUP_CONCURRENCY = 4;

/** What went wrong, by kind, with the first few in words. */
export class Errors {
  readonly counts: Record<string, number> = {};
  readonly first: string[] = [];

  add(kind: string, detail: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (this.first.length < 10) this.first.push(`${kind}: ${detail}`);
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}

/** Called with every frame any person's notification socket receives, and when it arrived. */
export type Listener = (receiver: Person, frame: string, at: number) => void;

export class Person {
  private socket: WebSocket | null = null;
  private closing = false;

  constructor(
    readonly index: number,
    readonly userId: string,
    private readonly url: string,
    private readonly session: { cookie: string; csrf: string },
    private readonly address: string,
  ) {}

  /** A write as this person: its session cookie, its CSRF token, its address. */
  post(path: string, body: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: this.session.cookie,
        [CSRF_HEADER]: this.session.csrf,
        'x-forwarded-for': this.address,
      },
      body: JSON.stringify(body),
    });
  }

  /** Opens the notification socket; every frame goes to `listen()` as it arrives. */
  open(origin: string, listen: () => Listener, errors: Errors): Promise<void> {
    const url = `${this.url.replace(/^http/, 'ws')}${NOTIFICATIONS_PATH}`;
    // Node's WebSocket (undici) takes request headers besides the protocols; the DOM's type does not say so.
    const init = {
      protocols: [NOTIFICATIONS_SUBPROTOCOL],
      headers: { origin, cookie: this.session.cookie, 'x-forwarded-for': this.address },
    };
    const ws = new WebSocket(url, init as unknown as string[]);
    this.socket = ws;
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`person ${this.index}: the notification socket did not open`));
      ws.onclose = (e) => {
        if (!this.closing) errors.add('socket_closed', `person ${this.index}: ${e.code} ${e.reason}`);
      };
      ws.onmessage = (e: MessageEvent<string>) => listen()(this, e.data, performance.now());
    });
  }

  close(): void {
    this.closing = true;
    this.socket?.close();
  }
}

/** Runs `task` over `items`, `concurrency` at a time, in order of start. */
async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** POSTs a request that starts a session; its cookie and CSRF token. */
async function startSession(
  url: string,
  path: string,
  body: object,
  address: string,
): Promise<{ cookie: string; csrf: string; userId: string }> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('conclave_session='));
  const view = (await res.json()) as Partial<SessionView>;
  if (!cookie || !view.csrfToken || !view.user) throw new Error(`POST ${path} started no session`);
  return { cookie, csrf: view.csrfToken, userId: view.user.id };
}

/** Person i's address: 10.0.1.1, 10.0.1.2, …, each its own. */
const addressOf = (i: number) => `10.0.${1 + (i >> 8)}.${(i & 255) + 1}`;

/**
 * The Administrator (person 0) and `others` more people of the same organisation, each signed in
 * and listening on its notification socket.
 */
export async function gather(
  url: string,
  setupLink: string,
  others: number,
  listen: () => Listener,
  errors: Errors,
): Promise<Person[]> {
  const setupToken = new URL(setupLink).hash.replace(/^#token=/, '');
  const admin = await startSession(
    url,
    '/api/setup',
    {
      organisationName: 'Chat Bench Org',
      email: 'p0@example.test',
      displayName: 'Person 0',
      password: PASSWORD,
      setupToken,
    },
    addressOf(0),
  );
  const administrator = new Person(0, admin.userId, url, admin, addressOf(0));
  const indexes = Array.from({ length: others }, (_, k) => k + 1);
  await pool(indexes, SETUP_CONCURRENCY, async (i) => {
    const res = await administrator.post('/api/users', {
      email: `p${i}@example.test`,
      displayName: `Person ${i}`,
      password: PASSWORD,
      role: 'user',
    });
    if (res.status !== 201) throw new Error(`POST /api/users: ${res.status} ${await res.text()}`);
    return ((await res.json()) as AdminUserView).id;
  });
  const people = [
    administrator,
    ...(await pool(indexes, SETUP_CONCURRENCY, async (i) => {
      const body = { email: `p${i}@example.test`, password: PASSWORD };
      const s = await startSession(url, '/api/auth/sign-in', body, addressOf(i));
      return new Person(i, s.userId, url, s, addressOf(i));
    })),
  ];
  await pool(people, SETUP_CONCURRENCY, (p) => p.open(url, listen, errors));
  return people;
}
