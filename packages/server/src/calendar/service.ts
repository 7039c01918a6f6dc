import { createHash, randomBytes } from 'node:crypto';
import type {
  CalendarFeedCreated,
  CalendarFeedStatus,
  MeetingInviteView,
  Settings,
} from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { AuditActor, AuditLog } from '../audit';
import type { Clock } from '../common/clock';
import { AppError, RateLimitError } from '../common/errors';
import { describeWait, type Limiters, type RateLimitRule, type WindowLimiter } from '../common/rate-limit';
import { meetingJoinUrl, type UserPrincipal } from '../domain';
import type { MeetingService } from '../meetings';
import { icsCalendar, type IcsEvent } from './ics';
import { dialInDetails, type InstallationDialIn } from './dial-in';
import { inviteText, type DialInDetails, type InvitedMeeting } from './invite-text';
import type { CalendarStore } from './store';

/** Wrong feed tokens one client address may try per window; a right one is given back. */
const DEFAULT_WRONG_TOKENS: RateLimitRule = { limit: 10, windowMs: 15 * 60_000 };
/** The feed lists meetings from this long ago onward… */
const FEED_PAST_MS = 30 * 24 * 3600_000;
/** …and at most this many. */
const FEED_MAX_EVENTS = 500;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

const feedNotFound = () =>
  new AppError(
    404,
    'calendar_feed_not_found',
    'This calendar feed does not exist (any more); make a new one on your account page',
  );

export interface CalendarDeps {
  store: CalendarStore;
  meetings: MeetingService;
  /** The organisation's settings: whether calendars are on, what invitations carry. */
  settingsOf: (organisationId: string) => Promise<Settings>;
  limiters: Limiters;
  audit: AuditLog;
  clock: Clock;
  publicUrl: string;
  /** The SIP gateway's trunk numbers and domain, for the installation's organisation; none without one. */
  installationDialIn?: InstallationDialIn | null;
  installationOrganisation: () => Promise<string | null>;
  wrongTokens?: RateLimitRule;
}

/** The person whose feed it is, as the audit log names them. */
const feedOwner = (p: UserPrincipal) => ({ kind: 'user' as const, id: p.userId, name: p.displayName });

/**
 * Calendar integration (ADM-CALENDAR) and invitations (ADM-INVITE). A person's feed is a secret URL
 * calendar apps fetch without cookies: its 256-bit token is shown once and kept only as its SHA-256,
 * a new one retires the old, and it stops working when deleted, when the person's access is revoked
 * or when the organisation turns calendars off. Every feed request counts against its client address
 * before anything is looked up, and a right token gives its count back: guessing is bounded, polling
 * calendars are not slowed.
 */
export class CalendarService {
  private readonly wrongTokens: WindowLimiter;

  constructor(private readonly d: CalendarDeps) {
    this.wrongTokens = d.limiters.window('calendar:feed-client', d.wrongTokens ?? DEFAULT_WRONG_TOKENS);
  }

  async status(caller: UserPrincipal): Promise<CalendarFeedStatus> {
    const [settings, feed] = await Promise.all([
      this.d.settingsOf(caller.organisationId),
      this.d.store.feedOf(caller.userId),
    ]);
    return { enabled: settings.calendar.enabled, feed };
  }

  /** A new feed URL, shown this once; the one before stops working. */
  async createFeed(by: AuditActor): Promise<CalendarFeedCreated> {
    const caller = by.principal;
    authorize(caller, 'calendar.feed', ORGANISATION);
    if (!(await this.d.settingsOf(caller.organisationId)).calendar.enabled) {
      throw new AppError(
        403,
        'calendar_disabled',
        'Your organisation has calendar integration turned off; a Superuser or Administrator turns it on',
      );
    }
    const token = randomBytes(32).toString('base64url');
    const createdAt = this.d.clock.now().toISOString();
    await this.d.store.replace(caller.userId, digest(token), createdAt);
    // A feed lets whoever holds its URL read the person's meetings: the Administrator sees when one is made.
    await this.d.audit.record(by, 'user.calendarFeedCreated', feedOwner(caller));
    return { url: `${this.d.publicUrl}/api/calendar/feed.ics?token=${token}`, createdAt };
  }

  async deleteFeed(by: AuditActor): Promise<void> {
    if (await this.d.store.remove(by.principal.userId)) {
      await this.d.audit.record(by, 'user.calendarFeedDeleted', feedOwner(by.principal));
    }
  }

  /** The feed's calendar file, or 404 `calendar_feed_not_found` (429 after too many wrong tokens). */
  async feed(token: string | undefined, clientAddress: string): Promise<string> {
    const decision = await this.wrongTokens.consume(clientAddress);
    if (!decision.allowed) {
      throw new RateLimitError(
        `Too many wrong calendar feed addresses. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
        decision.retryAfterSeconds,
      );
    }
    const owner = token ? await this.d.store.ownerOf(digest(token)) : null;
    if (!owner) throw feedNotFound();
    await this.wrongTokens.refund(clientAddress);
    const settings = await this.d.settingsOf(owner.organisationId);
    if (owner.revoked || !settings.calendar.enabled) throw feedNotFound();
    const now = this.d.clock.now();
    const from = new Date(now.getTime() - FEED_PAST_MS).toISOString();
    const meetings = await this.d.store.scheduledFor(owner, from, FEED_MAX_EVENTS);
    const dialIn = await this.dialIn(owner.organisationId, settings);
    const events = meetings.flatMap((m) =>
      this.event({ ...m, joinUrl: meetingJoinUrl(this.d.publicUrl, m.id) }, dialIn, now),
    );
    return icsCalendar({ name: 'Conclave meetings', events });
  }

  /** The invitation to a meeting the caller may see (owner, managers, invitees); else 404. */
  async invite(caller: UserPrincipal, meetingId: string): Promise<MeetingInviteView> {
    const m = await this.d.meetings.visible(caller, meetingId);
    const meeting: InvitedMeeting = {
      id: m.id,
      name: m.name,
      extension: m.extension,
      joinUrl: meetingJoinUrl(this.d.publicUrl, m.id),
      hasPasscode: m.passcodeHash !== null,
      lobby: m.lobby,
      e2ee: m.e2ee,
      schedule: m.schedule,
      rooms: (await this.d.store.roomsOf([m.id])).get(m.id) ?? [],
      updatedAt: m.updatedAt,
    };
    const settings = await this.d.settingsOf(caller.organisationId);
    const dialIn = await this.dialIn(caller.organisationId, settings);
    const events = this.event(meeting, dialIn, this.d.clock.now());
    return {
      text: inviteText(meeting, dialIn),
      ics: events.length > 0 ? icsCalendar({ events }) : null,
    };
  }

  /** How the organisation's meetings are dialled: its own numbers, and the gateway's if it is the installation's. */
  private async dialIn(organisationId: string, settings: Settings): Promise<DialInDetails> {
    const installation =
      this.d.installationDialIn && organisationId === (await this.d.installationOrganisation())
        ? this.d.installationDialIn
        : null;
    return dialInDetails(settings.invites, installation);
  }

  /** The meeting's calendar event; none for one without a time. */
  private event(meeting: InvitedMeeting, dialIn: DialInDetails, now: Date): IcsEvent[] {
    if (!meeting.schedule) return [];
    return [
      {
        uid: `${meeting.id}@${new URL(this.d.publicUrl).hostname}`,
        stamp: now.toISOString(),
        start: meeting.schedule.startsAt,
        end: meeting.schedule.endsAt,
        lastModified: meeting.updatedAt,
        summary: meeting.name,
        description: inviteText(meeting, dialIn),
        url: meeting.joinUrl,
        // Its meeting rooms first, where it has any, then the link: both are where it takes place.
        location: [...meeting.rooms, meeting.joinUrl].join('; '),
      },
    ];
  }
}
