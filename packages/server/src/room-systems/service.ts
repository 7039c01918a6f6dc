import {
  ID_PATTERN,
  ROOM_ONLINE_MS,
  type Role,
  registerRoomSystemRequestSchema,
  restoreRoomSystemRequestSchema,
  updateRoomSystemRequestSchema,
  type AdminRoomSystemView,
  type RegisterRoomSystemRequest,
  type RestoreRoomSystemRequest,
  type UpdateRoomSystemRequest,
} from '@conclave/protocol';
import { authorize, may, ORGANISATION, type Action } from '../access';
import type { AuditActor, AuditLog } from '../audit';
import type { Clock } from '../common/clock';
import { AppError, notFound } from '../common/errors';
import { newId } from '../common/ids';
import type { DomainEvents, UserPrincipal } from '../domain';
import { invalidCode, type RoomPairing } from './pairing';
import type { RoomSystemRecord, RoomSystemStore } from './store';

const managersOnly = 'Only Superusers and Administrators can manage room systems';
const roomNotFound = () => notFound('There is no such room system', 'room_system_not_found');

/**
 * The organisation's room systems as Superusers and Administrators manage them (ADM-ROOMS,
 * IAM-REVOKE): register one by the code its screen shows, rename it, associate it with a person, hide
 * it, make its screen join invited meetings by itself, revoke and restore its access, delete it. Every change is authorised by the permission table
 * and audited; revoking or deleting ends its screen's session and live meeting connections at once.
 * Restoring takes a fresh code from the screen: the old session is gone for good.
 */
export class RoomSystemAdministration {
  constructor(
    private readonly store: RoomSystemStore,
    private readonly pairing: RoomPairing,
    private readonly audit: AuditLog,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  async list(caller: UserPrincipal): Promise<AdminRoomSystemView[]> {
    authorize(caller, 'roomSystems.list', ORGANISATION, managersOnly);
    return (await this.store.list(caller.organisationId)).map((r) => this.view(caller, r));
  }

  /** Registers the screen showing `code` as a new room system of the caller's organisation. */
  async register(actor: AuditActor, input: RegisterRoomSystemRequest): Promise<AdminRoomSystemView> {
    const caller = actor.principal;
    authorize(caller, 'roomSystems.register', ORGANISATION, managersOnly);
    const { code, name, associatedUserId = null } = registerRoomSystemRequestSchema.parse(input);
    await this.pairing.checkCode(code, caller.userId, actor.clientIp);
    const associated = associatedUserId === null ? null : await this.userOf(caller, associatedUserId);
    const now = this.clock.now().toISOString();
    const id = newId(this.clock.now().getTime());
    await this.store.create({
      id,
      organisationId: caller.organisationId,
      name,
      associatedUserId: associated?.id ?? null,
      createdAt: now,
    });
    if (!(await this.pairing.claim(code, id))) {
      // Another administrator entered the same code just now.
      await this.store.delete(id);
      throw invalidCode();
    }
    const record = await this.existing(caller, id);
    await this.audit.record(actor, 'roomSystem.registered', target(record), {
      associatedUserId: associated?.id ?? null,
    });
    return this.view(caller, record);
  }

  async update(actor: AuditActor, id: string, input: UpdateRoomSystemRequest): Promise<AdminRoomSystemView> {
    const caller = actor.principal;
    const change = updateRoomSystemRequestSchema.parse(input);
    let room = await this.permitted(caller, id, 'roomSystems.list');
    if (change.name !== undefined && change.name !== room.name) {
      this.allow(caller, room, 'roomSystem.rename');
      await this.store.update(room.id, { name: change.name });
      await this.audit.record(actor, 'roomSystem.renamed', target(room), {
        from: room.name,
        to: change.name,
      });
      room = { ...room, name: change.name };
    }
    if (
      change.associatedUserId !== undefined &&
      change.associatedUserId !== (room.associatedUser?.id ?? null)
    ) {
      this.allow(caller, room, 'roomSystem.associate');
      const user =
        change.associatedUserId === null ? null : await this.userOf(caller, change.associatedUserId);
      await this.store.update(room.id, { associatedUserId: user?.id ?? null });
      await this.audit.record(actor, 'roomSystem.associated', target(room), { userId: user?.id ?? null });
      room = {
        ...room,
        associatedUser: user && { id: user.id, displayName: user.display_name, role: user.role },
      };
    }
    if (change.hidden !== undefined && change.hidden !== room.hidden) {
      this.allow(caller, room, 'roomSystem.hide');
      await this.store.update(room.id, { hidden: change.hidden });
      await this.audit.record(actor, change.hidden ? 'roomSystem.hidden' : 'roomSystem.shown', target(room));
      room = { ...room, hidden: change.hidden };
    }
    if (change.autoJoin !== undefined && change.autoJoin !== room.autoJoin) {
      this.allow(caller, room, 'roomSystem.autoJoin');
      await this.store.update(room.id, { autoJoin: change.autoJoin });
      await this.audit.record(actor, 'roomSystem.autoJoinChanged', target(room), {
        autoJoin: change.autoJoin,
      });
      room = { ...room, autoJoin: change.autoJoin };
    }
    return this.view(caller, room);
  }

  /** Ends its screen's session and live meeting connections; its screen goes back to pairing. */
  async revoke(actor: AuditActor, id: string): Promise<AdminRoomSystemView> {
    const room = await this.permitted(actor.principal, id, 'roomSystem.revoke');
    if (room.revokedAt === null) {
      const at = this.clock.now().toISOString();
      const sessionId = await this.store.revoke(room.id, at);
      if (sessionId) this.events.publish('sessionEnded', sessionId);
      await this.audit.record(actor, 'roomSystem.revoked', target(room));
      return this.view(actor.principal, { ...room, revokedAt: at, sessionId: null });
    }
    return this.view(actor.principal, room);
  }

  /** A revoked room system comes back with the screen showing `code` (the same one, or a new one). */
  async restore(
    actor: AuditActor,
    id: string,
    input: RestoreRoomSystemRequest,
  ): Promise<AdminRoomSystemView> {
    const { code } = restoreRoomSystemRequestSchema.parse(input);
    const room = await this.permitted(actor.principal, id, 'roomSystem.revoke');
    if (room.revokedAt === null) {
      throw new AppError(
        409,
        'invalid_state',
        'This room system has its access; revoke it first to pair again',
      );
    }
    await this.pairing.checkCode(code, actor.principal.userId, actor.clientIp);
    await this.store.restore(room.id);
    if (!(await this.pairing.claim(code, room.id))) {
      await this.store.revoke(room.id, room.revokedAt);
      throw invalidCode();
    }
    await this.audit.record(actor, 'roomSystem.restored', target(room));
    return this.view(actor.principal, { ...room, revokedAt: null });
  }

  async delete(actor: AuditActor, id: string): Promise<void> {
    const room = await this.permitted(actor.principal, id, 'roomSystem.delete');
    const sessionId = await this.store.delete(room.id);
    if (sessionId) this.events.publish('sessionEnded', sessionId);
    await this.audit.record(actor, 'roomSystem.deleted', target(room));
  }

  /**
   * The room system, if `caller` may do `action` to it. One of another organisation is 404 as if
   * there were none; a User asking about any is 403.
   */
  private async permitted(caller: UserPrincipal, id: string, action: Action): Promise<RoomSystemRecord> {
    authorize(caller, 'roomSystems.list', ORGANISATION, managersOnly);
    const room = await this.existing(caller, id);
    if (action !== 'roomSystems.list') this.allow(caller, room, action);
    return room;
  }

  private async existing(caller: UserPrincipal, id: string): Promise<RoomSystemRecord> {
    const room = ID_PATTERN.test(id) ? await this.store.find(caller.organisationId, id) : null;
    if (!room) throw roomNotFound();
    return room;
  }

  private allow(caller: UserPrincipal, room: RoomSystemRecord, action: Action): void {
    const message =
      action === 'roomSystem.hide' && room.associatedUser?.role === 'administrator'
        ? 'Only the Administrator can hide or show the room systems associated with them'
        : managersOnly;
    authorize(caller, action as 'roomSystem.hide', asTarget(room), message);
  }

  private async userOf(caller: UserPrincipal, userId: string) {
    const user = ID_PATTERN.test(userId) ? await this.store.userOf(caller.organisationId, userId) : null;
    if (!user)
      throw new AppError(
        400,
        'user_not_found',
        'There is no such person in your organisation',
        'associatedUserId',
      );
    return user;
  }

  private view(caller: UserPrincipal, r: RoomSystemRecord): AdminRoomSystemView {
    const t = asTarget(r);
    const seen = r.lastSeenAt === null ? null : Date.parse(r.lastSeenAt);
    return {
      id: r.id,
      name: r.name,
      associatedUser: r.associatedUser && {
        id: r.associatedUser.id,
        displayName: r.associatedUser.displayName,
      },
      hidden: r.hidden,
      revoked: r.revokedAt !== null,
      online:
        r.revokedAt === null &&
        r.sessionId !== null &&
        seen !== null &&
        this.clock.now().getTime() - seen < ROOM_ONLINE_MS,
      lastSeenAt: r.lastSeenAt,
      createdAt: r.createdAt,
      autoJoin: r.autoJoin,
      can: { manage: may(caller, 'roomSystem.revoke', t), hide: may(caller, 'roomSystem.hide', t) },
    };
  }
}

/** What the permission table sees of a room system. */
export const asTarget = (r: { associatedUser: { id: string; role: Role } | null }) => ({
  kind: 'roomSystem' as const,
  associatedWith: r.associatedUser && { id: r.associatedUser.id, role: r.associatedUser.role },
});

const target = (r: RoomSystemRecord) => ({ kind: 'roomSystem' as const, id: r.id, name: r.name });
