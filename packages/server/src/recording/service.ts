import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type {
  RecordingListView,
  RecordingView,
  ShareRecordingRequest,
  ShareRecordingResponse,
} from '@conclave/protocol';
import { shareRecordingRequestSchema } from '@conclave/protocol';
import { may } from '../access';
import type { AuditActor, AuditLog } from '../audit';
import { AppError, RateLimitError } from '../common/errors';
import { describeWait, type Limiters, type WindowLimiter } from '../common/rate-limit';
import type { UserPrincipal } from '../domain';
import type { OrganisationSettings } from '../settings';
import type { SealedRecording } from './storage/reader';
import type { RecordingStorages } from './storages';
import type { RecordingRow, RecordingStore } from './store';

/** Who asks to view: a signed-in person, and/or the key of a shared link the browser holds. */
export interface Viewer {
  user: UserPrincipal | null;
  linkKey: string | null;
}

export interface RecordingServiceDeps {
  store: RecordingStore;
  storages: RecordingStorages;
  settings: Pick<OrganisationSettings, 'of'>;
  audit: AuditLog;
  publicUrl: string;
  limiters: Limiters;
}

/**
 * Shared links' keys one client address may try in 10 minutes (REC-ACCESS): far more than anyone
 * opening links needs, and a stranger gets no further than that.
 */
const LINKS_PER_ADDRESS = { limit: 60, windowMs: 10 * 60_000 };

const notFound = () => new AppError(404, 'recording_not_found', 'No such recording');
const digest = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * Recordings as people find, watch and share them (REC-ACCESS): the owner (the meeting's owner)
 * chooses who may view; an Administrator may keep every recording to the organisation; and every
 * request for one, each byte range of its file included, is checked afresh. A recording one may not
 * view is answered exactly like one that does not exist.
 */
export class RecordingService {
  private readonly linksPerAddress: WindowLimiter;

  constructor(private readonly d: RecordingServiceDeps) {
    this.linksPerAddress = d.limiters.window('recording:link', LINKS_PER_ADDRESS);
  }

  async list(caller: UserPrincipal): Promise<RecordingListView> {
    const rows = await this.d.store.visibleTo(caller.organisationId, caller.userId);
    return { recordings: await Promise.all(rows.map((row) => this.toView(row, caller))) };
  }

  async view(viewer: Viewer, id: string): Promise<RecordingView> {
    const row = await this.viewable(viewer, id);
    return this.toView(row, viewer.user);
  }

  /** The sealed file to read by range, once the recording is ready. */
  async media(viewer: Viewer, id: string): Promise<SealedRecording> {
    const row = await this.viewable(viewer, id);
    if (row.status !== 'ready') {
      throw new AppError(409, 'invalid_state', 'This recording is not ready to watch');
    }
    const storage = this.d.storages.of(row.store);
    if (!storage) throw new AppError(503, 'internal', 'The store of this recording is not configured');
    return storage.open(row.organisationId, row.id);
  }

  async share(actor: AuditActor, id: string, input: ShareRecordingRequest): Promise<ShareRecordingResponse> {
    const caller = actor.principal;
    const { visibility, viewerIds } = shareRecordingRequestSchema.parse(input);
    const row = await this.rowFor(caller, id, 'recording.share', 'Only its owner shares a recording');
    if (visibility === 'link' && (await this.organisationOnly(row.organisationId))) {
      throw new AppError(
        403,
        'recording_link_disallowed',
        'Your organisation keeps recordings to itself: they cannot be shared by link',
        'visibility',
      );
    }
    const wanted = visibility === 'people' ? [...new Set(viewerIds)] : [];
    const members = await this.d.store.members(row.organisationId, wanted);
    if (members.length !== wanted.length) {
      throw new AppError(
        400,
        'validation_failed',
        'Share only with people of your organisation',
        'viewerIds',
      );
    }
    const key = visibility === 'link' ? randomBytes(32).toString('base64url') : null;
    await this.d.store.share(row.id, visibility, members, key && digest(key));
    await this.d.audit.record(actor, 'recording.shared', this.auditTarget(row), { visibility });
    const shared = { ...row, visibility, linkHash: key && digest(key) };
    return {
      recording: await this.toView(shared, caller),
      ...(key && { link: `${this.d.publicUrl}/r/${row.id}#key=${key}` }),
    };
  }

  /**
   * Whether a shared link's key opens this recording now; 404 when it does not. Counted per client
   * address before anything is looked up.
   */
  async checkLink(id: string, key: string, clientIp: string): Promise<void> {
    const decision = await this.linksPerAddress.consume(clientIp);
    if (!decision.allowed) {
      throw new RateLimitError(
        `Too many recording links opened from your address. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
        decision.retryAfterSeconds,
      );
    }
    await this.viewable({ user: null, linkKey: key }, id);
  }

  async remove(actor: AuditActor, id: string): Promise<void> {
    const caller = actor.principal;
    const row = await this.rowFor(caller, id, 'recording.delete', 'Only its owner deletes a recording');
    // The bytes first: a row without its bytes is harmless, bytes without a row are not findable.
    await this.d.storages.of(row.store)?.delete(row.id);
    await this.d.store.remove(row.id);
    await this.d.audit.record(actor, 'recording.deleted', this.auditTarget(row));
  }

  /**
   * A recording of the caller's organisation for an action of `action`'s: refused (403) to who may
   * view it but not do this; to anyone else it does not exist (404).
   */
  private async rowFor(
    caller: UserPrincipal,
    id: string,
    action: 'recording.share' | 'recording.delete',
    refusal: string,
  ): Promise<RecordingRow> {
    const row = await this.d.store.find(id);
    if (!row || row.organisationId !== caller.organisationId) throw notFound();
    if (may(caller, action, { kind: 'recording', ownerId: row.ownerId })) return row;
    if (await this.mayView({ user: caller, linkKey: null }, row))
      throw new AppError(403, 'forbidden', refusal);
    throw notFound();
  }

  private async viewable(viewer: Viewer, id: string): Promise<RecordingRow> {
    const row = await this.d.store.find(id);
    if (!row || !(await this.mayView(viewer, row))) throw notFound();
    return row;
  }

  private async mayView(viewer: Viewer, row: RecordingRow): Promise<boolean> {
    const user = viewer.user;
    if (user && user.organisationId === row.organisationId) {
      if (user.userId === row.ownerId || row.visibility === 'organisation') return true;
      if (row.visibility === 'people' && (await this.d.store.isViewer(row.id, user.userId))) return true;
    }
    if (row.visibility !== 'link' || row.linkHash === null || viewer.linkKey === null) return false;
    const given = Buffer.from(digest(viewer.linkKey), 'hex');
    const kept = Buffer.from(row.linkHash, 'hex');
    if (given.length !== kept.length || !timingSafeEqual(given, kept)) return false;
    return !(await this.organisationOnly(row.organisationId));
  }

  private async organisationOnly(organisationId: string): Promise<boolean> {
    return (await this.d.settings.of(organisationId)).security.recordingsOrganisationOnly;
  }

  private async toView(row: RecordingRow, caller: UserPrincipal | null): Promise<RecordingView> {
    const isOwner = caller !== null && caller.userId === row.ownerId;
    const canDelete =
      caller !== null &&
      caller.organisationId === row.organisationId &&
      may(caller, 'recording.delete', { kind: 'recording', ownerId: row.ownerId });
    return {
      id: row.id,
      meetingId: row.meetingId,
      meetingName: row.meetingName,
      startedByName: row.startedByName,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      status: row.status,
      size: row.size,
      mediaUrl: `/api/recordings/${row.id}/media`,
      isOwner,
      canDelete,
      visibility: isOwner ? row.visibility : 'owner',
      viewers: isOwner && row.visibility === 'people' ? await this.d.store.viewers(row.id) : [],
    };
  }

  private auditTarget(row: RecordingRow) {
    return { kind: 'recording' as const, id: row.id, name: row.meetingName };
  }
}
