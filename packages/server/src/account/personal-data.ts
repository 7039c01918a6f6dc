import type { AuditAction, AuditEventView, PersonalDataExport } from '@conclave/protocol';
import { authorize } from '../access';
import type { Vault } from '../at-rest';
import { meetingLineContext, messageContext } from '../chat';
import type { Clock } from '../common/clock';
import { RateLimitError, unauthorized } from '../common/errors';
import type { Limiters, RateLimitRule, WindowLimiter } from '../common/rate-limit';
import type { UserPrincipal } from '../domain';
import type { PersonalDataStore } from './personal-data-store';

/** Exports per person: each reads every table there is about them and opens every message they wrote. */
const EXPORTS: RateLimitRule = { limit: 3, windowMs: 3600_000 };

export interface PersonalDataDeps {
  store: PersonalDataStore;
  vault: Vault;
  limiters: Limiters;
  clock: Clock;
  /** A stored message that does not open (tampered with, or its key gone) is left out and reported here. */
  onUnreadable: (err: unknown, what: string) => void;
}

/**
 * PRIV-EXPORT: a signed-in person downloads everything stored about them, and only about them (see
 * PersonalDataExport for what is left out and why). Counted before the work, a few times an hour.
 */
export class PersonalData {
  private readonly exports: WindowLimiter;

  constructor(private readonly d: PersonalDataDeps) {
    this.exports = d.limiters.window('account:export', EXPORTS);
  }

  async export(caller: UserPrincipal): Promise<PersonalDataExport> {
    authorize(caller, 'account.export', { kind: 'user', id: caller.userId, role: caller.role });
    const counted = await this.exports.consume(caller.userId);
    if (!counted.allowed) {
      throw new RateLimitError(
        'You have downloaded your data several times this hour; try again later',
        counted.retryAfterSeconds,
      );
    }
    const { store } = this.d;
    const userId = caller.userId;
    const person = await store.person(userId);
    // Deleted meanwhile: the session is gone too, so this is what the next request would say.
    if (!person) throw unauthorized();
    const organisationId = person.organisation_id;
    const subject = `u:${userId}`;
    const [invitedTo, feed] = await Promise.all([
      store.meetingsInvitedTo(userId),
      store.calendarFeed(userId),
    ]);
    const [sessions, devices, app, passkeys, codes, reset, meetings, calls] = await Promise.all([
      store.sessions(userId),
      store.trustedDevices(userId),
      store.authenticatorApp(userId),
      store.passkeys(userId),
      store.recoveryCodes(userId),
      store.passwordReset(userId),
      store.meetings(userId),
      store.calls(userId),
    ]);
    const [conversations, messages, lines, recordings, shared, records, usage, invitations, audit] =
      await Promise.all([
        store.conversations(userId),
        store.messages(userId),
        store.meetingChat(organisationId, subject),
        store.recordings(organisationId, userId),
        store.recordingsSharedWith(userId),
        store.callRecords(organisationId, subject),
        store.usage(organisationId, subject),
        store.invitationsSent(userId),
        store.auditEntries(organisationId, userId),
      ]);

    const texts = await Promise.all(
      messages.map(async (m) => ({
        ...m,
        text: m.body === null ? null : await this.open(organisationId, m.body, messageContext(m.id), m.id),
      })),
    );
    const lineTexts = await Promise.all(
      lines.map(async (l) => ({
        ...l,
        text: await this.open(
          organisationId,
          l.body,
          meetingLineContext({ meetingId: l.meeting_id, id: l.id }),
          l.id,
        ),
      })),
    );

    return {
      exportedAt: this.d.clock.now().toISOString(),
      person: {
        id: person.id,
        email: person.email,
        displayName: person.display_name,
        role: person.role,
        organisation: { id: organisationId, name: person.organisation_name },
        createdAt: person.created_at,
        hasPassword: Boolean(person.has_password),
        hidden: person.hidden === 1,
        revokedAt: person.revoked_at,
      },
      sessions: sessions.map((s) => ({
        device: s.device,
        createdAt: s.created_at,
        lastSeenAt: s.last_seen_at,
        expiresAt: s.expires_at,
      })),
      trustedDevices: devices.map((d) => ({ createdAt: d.created_at, lastUsedAt: d.last_used_at })),
      secondFactors: {
        authenticatorApp: app ? { createdAt: app.created_at, confirmedAt: app.confirmed_at } : null,
        passkeys: passkeys.map((p) => ({
          name: p.name,
          createdAt: p.created_at,
          lastUsedAt: p.last_used_at,
        })),
        recoveryCodes: {
          left: codes.filter((c) => c.used_at === null).length,
          used: codes.filter((c) => c.used_at !== null).length,
        },
      },
      passwordReset: reset ? { createdAt: reset.created_at, expiresAt: reset.expires_at } : null,
      meetings: meetings.map((m) => ({
        id: m.id,
        name: m.name,
        description: m.description,
        extension: m.extension,
        e2ee: m.e2ee === 1,
        oneTime: m.one_time === 1,
        hidden: m.hidden === 1,
        lobby: m.lobby,
        hasPasscode: Boolean(m.has_passcode),
        recordingByModerators: m.recording_by_moderators === 1,
        streaming: m.streaming === 1,
        startedAt: m.started_at,
        createdAt: m.created_at,
        updatedAt: m.updated_at,
        schedule:
          m.starts_at !== null && m.ends_at !== null && m.time_zone !== null
            ? { startsAt: m.starts_at, endsAt: m.ends_at, timeZone: m.time_zone }
            : null,
      })),
      meetingsInvitedTo: invitedTo.map((i) => i.meeting_id),
      calendarFeed: feed ? { createdAt: feed.created_at } : null,
      calls: calls.map((c) => ({
        id: c.id,
        kind: c.kind,
        direction: c.caller_id === userId ? 'placed' : 'received',
        meetingId: c.meeting_id,
        state: c.state,
        createdAt: c.created_at,
        endedAt: c.ended_at,
      })),
      conversations: conversations.map((c) => ({
        id: c.id,
        kind: c.kind,
        name: c.name,
        startedByYou: c.created_by === userId,
        members: Number(c.members),
        joinedAt: c.joined_at,
        messages: texts
          .filter((m) => m.conversation_id === c.id && m.text !== undefined)
          .map((m) => ({ id: m.id, sentAt: m.created_at, editedAt: m.edited_at, text: m.text ?? null })),
      })),
      meetingChat: lineTexts.flatMap((l) =>
        l.text === undefined
          ? []
          : [{ meetingId: l.meeting_id, sentAt: l.created_at, displayName: l.display_name, text: l.text }],
      ),
      recordings: recordings.map((r) => ({
        id: r.id,
        meetingId: r.meeting_id,
        meetingName: r.meeting_name,
        ownedByYou: r.owner_id === userId,
        startedByYou: r.started_by_id === userId,
        startedAt: r.started_at,
        endedAt: r.ended_at,
        status: r.status,
        size: Number(r.size),
        visibility: r.visibility,
      })),
      recordingsSharedWithYou: shared.map((s) => s.recording_id),
      callRecords: records.map((r) => ({
        meetingId: r.meeting_id,
        meetingName: r.name,
        joinedAt: r.joined_at,
        leftAt: r.left_at,
        mediaServer: r.media_server,
        region: r.region,
      })),
      usage: usage.map((u) => ({
        hour: u.start,
        participations: Number(u.participants),
        seconds: Number(u.seconds),
      })),
      invitationsSent: invitations.map((i) => ({
        id: i.id,
        role: i.role,
        createdAt: i.created_at,
        expiresAt: i.expires_at,
      })),
      auditLog: audit.map((e) => {
        const byYou = e.actor_id === userId;
        const aboutYou = e.target_kind === 'user' && e.target_id === userId;
        return {
          at: e.at,
          action: e.action as AuditAction,
          byYou,
          aboutYou,
          targetKind: e.target_kind,
          targetName: aboutYou ? e.target_name : null,
          details: aboutYou ? (JSON.parse(e.details) as AuditEventView['details']) : null,
          clientIp: byYou ? e.client_ip : null,
        };
      }),
    };
  }

  /** The text of a sealed body; undefined (left out, and reported) when it does not open. */
  private async open(organisationId: string, sealed: string, context: string, id: string) {
    try {
      return await this.d.vault.open(organisationId, sealed, context);
    } catch (err) {
      this.d.onUnreadable(err, `chat message ${id} for a personal-data export`);
      return undefined;
    }
  }
}
