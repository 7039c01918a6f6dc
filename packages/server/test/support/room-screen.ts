import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AdminRoomSystemView, PairingStartView, PairingStatusView } from '@conclave/protocol';
import type { TestClient } from './app';

/**
 * A room system's screen (ADM-ROOMS) over app.inject: a browser without an account that keeps the
 * cookies the server gives it (the pairing cookie, then the room cookie).
 */
export class RoomScreen {
  private readonly jar = new Map<string, string>();

  constructor(
    private readonly app: FastifyInstance,
    readonly remoteAddress = '127.0.0.1',
  ) {}

  /** The Cookie header this screen sends, e.g. to open a signaling socket. */
  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get paired(): boolean {
    return this.jar.has('conclave_room');
  }

  async request(method: 'GET' | 'POST', url: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      remoteAddress: this.remoteAddress,
      headers: { ...(this.jar.size > 0 && { cookie: this.cookie }) },
      ...(method === 'POST' && { payload: {} }),
    });
    for (const c of res.cookies) {
      if (c.value === '' || c.maxAge === 0) this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    return res;
  }

  /** Asks for a pairing code, as the room screen does when it is not paired. */
  async startPairing(): Promise<PairingStartView> {
    const res = await this.request('POST', '/api/room-systems/pairing');
    assert.equal(res.statusCode, 201, res.body);
    return res.json<PairingStartView>();
  }

  async poll(): Promise<PairingStatusView> {
    const res = await this.request('GET', '/api/room-systems/pairing');
    assert.equal(res.statusCode, 200, res.body);
    return res.json<PairingStatusView>();
  }
}

/** A screen paired as a new room system by `admin`: shows a code, the admin enters it, the screen polls. */
export async function pairedScreen(
  app: FastifyInstance,
  admin: TestClient,
  name: string,
  associatedUserId: string | null = null,
): Promise<{ screen: RoomScreen; room: AdminRoomSystemView }> {
  const screen = new RoomScreen(app);
  const { code } = await screen.startPairing();
  const res = await admin.post('/api/room-systems', { code, name, associatedUserId });
  assert.equal(res.statusCode, 201, res.body);
  const status = await screen.poll();
  assert.equal(status.state, 'paired');
  return { screen, room: res.json<AdminRoomSystemView>() };
}
