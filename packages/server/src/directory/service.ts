import {
  type Role,
  DIRECTORY_KINDS,
  DIRECTORY_LIMIT,
  ID_PATTERN,
  type DirectoryEntry,
  type DirectoryKind,
  type DirectoryMeetingEntry,
  type DirectoryRoomEntry,
  type DirectoryUserEntry,
  type DirectoryView,
} from '@conclave/protocol';
import { AppError, notFound } from '../common/errors';
import { may } from '../access';
import { meetingJoinUrl, type UserPrincipal } from '../domain';
import { roomSystemTarget } from '../room-systems';
import type { DirectoryMeeting, DirectoryRoom, DirectoryStore, DirectoryUser, Search } from './store';

const userNotFound = () => notFound('There is no such user in your organisation');

/**
 * MEET-DIRECTORY: the people, meetings and room systems (ADM-ROOMS) of the caller's organisation,
 * minus hidden entries. A hidden
 * entry is seen only by those who may show it again, and marked hidden for them (see DirectoryStore).
 */
export class DirectoryService {
  constructor(
    private readonly store: DirectoryStore,
    private readonly publicUrl: string,
  ) {}

  async search(viewer: UserPrincipal, query: { q?: string; kind?: DirectoryKind }): Promise<DirectoryView> {
    // One more row than is shown tells whether there were more.
    const search: Search = { viewer, text: query.q || null, limit: DIRECTORY_LIMIT + 1 };
    const entries: DirectoryEntry[] = [];
    const truncated: DirectoryKind[] = [];
    for (const kind of query.kind ? [query.kind] : DIRECTORY_KINDS) {
      const found = await this.find(kind, search);
      if (found.length > DIRECTORY_LIMIT) truncated.push(kind);
      entries.push(...found.slice(0, DIRECTORY_LIMIT));
    }
    return { entries, truncated };
  }

  /**
   * Hides or shows a person (MEET-DIRECTORY). Someone the caller cannot see, or of another
   * organisation, is 404 as if there were no such user; someone they see but may not change is 403.
   */
  async setUserHidden(caller: UserPrincipal, id: string, hidden: boolean): Promise<DirectoryUserEntry> {
    const user = ID_PATTERN.test(id) ? await this.store.findUser(caller.organisationId, id) : null;
    if (!user || (user.hidden && !may(caller, 'user.hide', asUser(user)))) throw userNotFound();
    if (!may(caller, 'user.hide', asUser(user))) {
      throw new AppError(
        403,
        'forbidden',
        user.role === 'administrator'
          ? 'Only an Administrator can hide or show themself'
          : 'Only Superusers and Administrators can hide or show people',
      );
    }
    await this.store.setUserHidden(user.id, hidden);
    return this.userEntry(caller, { ...user, hidden });
  }

  private async find(kind: DirectoryKind, search: Search): Promise<DirectoryEntry[]> {
    switch (kind) {
      case 'user':
        return (await this.store.users(search)).map((u) => this.userEntry(search.viewer, u));
      case 'meeting':
        return (await this.store.meetings(search)).map((m) => this.meetingEntry(search.viewer, m));
      case 'room':
        return (await this.store.rooms(search)).map((r) => this.roomEntry(search.viewer, r));
    }
  }

  private roomEntry(viewer: UserPrincipal, r: DirectoryRoom): DirectoryRoomEntry {
    return {
      kind: 'room',
      id: r.id,
      name: r.name,
      associatedUserName: r.associatedUser?.displayName ?? null,
      hidden: r.hidden,
      canHide: may(viewer, 'roomSystem.hide', roomSystemTarget(r)),
    };
  }

  private userEntry(viewer: UserPrincipal, u: DirectoryUser): DirectoryUserEntry {
    return {
      kind: 'user',
      id: u.id,
      displayName: u.displayName,
      email: u.email,
      role: u.role,
      hidden: u.hidden,
      canHide: may(viewer, 'user.hide', asUser(u)),
    };
  }

  private meetingEntry(viewer: UserPrincipal, m: DirectoryMeeting): DirectoryMeetingEntry {
    return {
      kind: 'meeting',
      id: m.id,
      name: m.name,
      description: m.description,
      extension: m.extension,
      joinUrl: meetingJoinUrl(this.publicUrl, m.id),
      ownerName: m.ownerName,
      e2ee: m.e2ee,
      hasPasscode: m.hasPasscode,
      oneTime: m.oneTime,
      hidden: m.hidden,
      // A one-time meeting is hidden for good (MEET-ONETIME).
      canHide: !m.oneTime && may(viewer, 'meeting.hide', { kind: 'meeting', ownerId: m.ownerId }),
      streaming: m.streaming,
      canSetStreaming: may(viewer, 'meeting.enableStreaming', { kind: 'meeting', ownerId: m.ownerId }),
    };
  }
}

const asUser = (u: { id: string; role: Role }) => ({ kind: 'user' as const, id: u.id, role: u.role });
