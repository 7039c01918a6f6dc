import type { AuditAction } from '@conclave/protocol';
import type { CaptureActor, CaptureAudit, CapturePurpose, CaptureStop, MeetingRecord } from '../domain';
import type { AuditLog } from './service';

/** Recordings and live streams as the audit log keeps them (ADM-AUDIT): who started them, how they ended. */
export class CaptureAuditLog implements CaptureAudit {
  constructor(
    private readonly audit: AuditLog,
    private readonly onError: (err: unknown, what: string) => void,
  ) {}

  started(meeting: MeetingRecord, purpose: CapturePurpose, by: CaptureActor): void {
    this.write(meeting, purpose === 'recording' ? 'recording.started' : 'stream.started', by, {});
  }

  ended(meeting: MeetingRecord, purpose: CapturePurpose, by: CaptureActor | null, why: CaptureStop): void {
    this.write(meeting, purpose === 'recording' ? 'recording.stopped' : 'stream.stopped', by, { why });
  }

  private write(
    meeting: MeetingRecord,
    action: AuditAction,
    by: CaptureActor | null,
    details: Record<string, string>,
  ): void {
    const { organisationId } = meeting;
    const actor = by ? { person: by, organisationId } : { system: 'Conclave', organisationId, clientIp: '' };
    this.audit
      .record(actor, action, { kind: 'meeting', id: meeting.id, name: meeting.name }, details)
      .catch((err: unknown) => this.onError(err, `audit (${action})`));
  }
}
