import type { BrowserContext, Locator, Page } from 'playwright-core';
import type {
  AdminUserView,
  CreateMeetingRequest,
  MeetingView,
  SessionView,
  SetSsoConfigRequest,
  UpdateSettingsRequest,
} from '@conclave/protocol';
import { TestBrowser } from './browser';
import { TestServer, type StartServerOptions } from './server';

/** The agreed CSRF header (CSRF_HEADER in @conclave/protocol), spelled out to keep this file type-only. */
const CSRF = 'x-conclave-csrf';

export interface Account {
  organisationName: string;
  email: string;
  password: string;
  displayName: string;
}

export const ADMIN: Account = {
  organisationName: 'Conclave Test Org',
  email: 'admin@example.test',
  password: 'correct horse battery staple',
  displayName: 'Ada Admin',
};

async function expectJson<T>(res: Response, what: string, status: number): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** First-run setup through the REST API (POST /api/setup); returns the new Administrator's session. */
export async function completeSetup(
  server: Pick<TestServer, 'url' | 'setupLink'>,
  account: Account = ADMIN,
): Promise<SessionView> {
  const setupToken = new URL(await server.setupLink()).hash.replace(/^#token=/, '');
  const res = await fetch(`${server.url}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...account, setupToken }),
  });
  return expectJson<SessionView>(res, 'POST /api/setup', 201);
}

/**
 * Signs a browser context in through the API; `context.request` shares the context's cookie jar,
 * so its pages are signed in afterwards.
 */
export async function signIn(
  context: BrowserContext,
  server: Pick<TestServer, 'url'>,
  account: Account = ADMIN,
) {
  const res = await context.request.post(`${server.url}/api/auth/sign-in`, {
    data: { email: account.email, password: account.password },
  });
  if (res.status() !== 200) throw new Error(`sign-in: ${res.status()} ${await res.text()}`);
  return (await res.json()) as SessionView;
}

/** Creates a meeting as the context's signed-in user (with the session's CSRF token). */
export async function createMeeting(
  context: BrowserContext,
  server: Pick<TestServer, 'url'>,
  name: string,
  options: Omit<CreateMeetingRequest, 'name'> = {},
): Promise<MeetingView> {
  const res = await context.request.post(`${server.url}/api/meetings`, {
    data: { name, ...options },
    headers: { [CSRF]: await csrfToken(context, server) },
  });
  if (res.status() !== 201) throw new Error(`create meeting: ${res.status()} ${await res.text()}`);
  return (await res.json()) as MeetingView;
}

/** Adds a person as the context's signed-in Superuser or Administrator (POST /api/users). */
export async function createAccount(
  context: BrowserContext,
  server: Pick<TestServer, 'url'>,
  account: Omit<Account, 'organisationName'>,
  role: 'user' | 'superuser' = 'user',
): Promise<AdminUserView> {
  const res = await context.request.post(`${server.url}/api/users`, {
    data: { email: account.email, displayName: account.displayName, password: account.password, role },
    headers: { [CSRF]: await csrfToken(context, server) },
  });
  if (res.status() !== 201) throw new Error(`create account: ${res.status()} ${await res.text()}`);
  return (await res.json()) as AdminUserView;
}

/** Sets the organisation's single sign-on as the context's signed-in Superuser or Administrator. */
export async function configureSso(
  context: BrowserContext,
  server: Pick<TestServer, 'url'>,
  body: SetSsoConfigRequest,
): Promise<void> {
  const res = await context.request.put(`${server.url}/api/sso`, {
    data: body,
    headers: { [CSRF]: await csrfToken(context, server) },
  });
  if (res.status() !== 200) throw new Error(`configure sso: ${res.status()} ${await res.text()}`);
}

/** Changes sections of the organisation's settings as the context's signed-in Superuser or Administrator. */
export async function updateSettings(
  context: BrowserContext,
  server: Pick<TestServer, 'url'>,
  body: UpdateSettingsRequest,
): Promise<void> {
  const res = await context.request.patch(`${server.url}/api/settings`, {
    data: body,
    headers: { [CSRF]: await csrfToken(context, server) },
  });
  if (res.status() !== 200) throw new Error(`update settings: ${res.status()} ${await res.text()}`);
}

/** The CSRF token of the context's session, which every write needs. */
export async function csrfToken(context: BrowserContext, server: Pick<TestServer, 'url'>): Promise<string> {
  const session = await context.request.get(`${server.url}/api/auth/session`);
  if (session.status() !== 200) throw new Error(`session: ${session.status()} ${await session.text()}`);
  return ((await session.json()) as SessionView).csrfToken;
}

// ---- the meeting page ----

export const selfTile = (page: Page): Locator =>
  page.locator('[data-testid="participant-tile"][data-self="true"]');
/** The remote tile of the participant with this id. */
export const tileOf = (page: Page, participantId: string): Locator =>
  page.locator(`[data-testid="participant-tile"][data-participant-id="${participantId}"]`);

/** Waits until the page shows the meeting stage with its own tile; returns its participant id. */
export async function waitOnStage(page: Page, timeoutMs = 20_000): Promise<string> {
  await selfTile(page).waitFor({ timeout: timeoutMs });
  const id = await selfTile(page).getAttribute('data-participant-id');
  if (!id) throw new Error('the self tile has no data-participant-id');
  return id;
}

/**
 * Waits until the page is in a meeting: its own tile shows and the SDK room is exposed (which only
 * the test build does, see support/server.ts). Returns the participant id.
 */
export async function waitInMeeting(page: Page, timeoutMs = 20_000): Promise<string> {
  const id = await waitOnStage(page, timeoutMs);
  await page.waitForFunction(
    () => (window as unknown as { __conclave?: { room?: unknown } }).__conclave?.room !== undefined,
    null,
    { timeout: timeoutMs },
  );
  return id;
}

/** Opens a join link as a guest, enters the name and clicks "Join meeting"; returns the participant id. */
export async function joinAsGuest(page: Page, joinUrl: string, displayName: string): Promise<string> {
  await page.goto(joinUrl);
  await page.getByLabel('Your name').fill(displayName);
  await page.getByRole('button', { name: 'Join meeting' }).click();
  return waitInMeeting(page);
}

/** Opens a join link as the context's signed-in user and clicks "Join meeting". */
export async function joinSignedIn(page: Page, joinUrl: string): Promise<string> {
  await page.goto(joinUrl);
  await page.getByRole('button', { name: 'Join meeting' }).click();
  return waitInMeeting(page);
}

export async function leaveMeeting(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Leave meeting' }).click();
  await page.waitForFunction(
    () => (window as unknown as { __conclave?: { room?: unknown } }).__conclave?.room === undefined,
    null,
    { timeout: 10_000 },
  );
}

/**
 * A fresh server set up with its Administrator, a browser, and `person` added by the Administrator
 * (as a User unless `role` says otherwise): the start of tests about one person's own account.
 */
export async function serverWithPerson(
  person: Omit<Account, 'organisationName'>,
  options: StartServerOptions & { role?: 'user' | 'superuser' } = {},
): Promise<{ server: TestServer; browser: TestBrowser; close(): Promise<void> }> {
  const { role, ...serverOptions } = options;
  // Side by side: Chromium starts while the server does.
  const [started, launched] = await Promise.allSettled([
    TestServer.start({ waitForMedia: false, ...serverOptions }),
    TestBrowser.launch(),
  ]);
  if (started.status === 'rejected' || launched.status === 'rejected') {
    if (launched.status === 'fulfilled') await launched.value.close();
    if (started.status === 'fulfilled') await started.value.stop();
    throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
  }
  const server = started.value;
  const browser = launched.value;
  const close = async () => {
    await browser.close();
    await server.stop();
  };
  try {
    await completeSetup(server);
    const admin = await browser.newParticipant('Ada', { distinctCamera: false });
    await signIn(admin.context, server);
    await createAccount(admin.context, server, person, role);
    return { server, browser, close };
  } catch (err) {
    await close();
    throw err;
  }
}
