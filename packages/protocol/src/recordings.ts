import { z } from 'zod';
import { ID_PATTERN } from './api';

/**
 * Who may view a recording (REC-ACCESS), as its owner (the meeting's owner) chooses: the owner alone,
 * named people of the organisation, everyone in it, or anyone holding its link (unless the
 * organisation keeps recordings to itself).
 */
export const RECORDING_VISIBILITIES = ['owner', 'people', 'organisation', 'link'] as const;
export type RecordingVisibility = (typeof RECORDING_VISIBILITIES)[number];

/** `recording`: still being made; `failed`: the capture failed and nothing was kept. */
export type RecordingStatus = 'recording' | 'ready' | 'failed';

/** The most people a recording is shared with by name. */
export const MAX_RECORDING_VIEWERS = 100;

export interface RecordingView {
  id: string;
  meetingId: string;
  meetingName: string;
  /** Who started it, as they were named in the meeting. */
  startedByName: string;
  startedAt: string;
  endedAt: string | null;
  status: RecordingStatus;
  /** Bytes of the file, once ready. */
  size: number;
  /** Plays and seeks in the browser (an MP4, served by byte range); every request is checked. */
  mediaUrl: string;
  /** The caller owns it: may share and delete it. */
  isOwner: boolean;
  /** The caller may delete it (its owner, or a Superuser or Administrator). */
  canDelete: boolean;
  /** Told to its owner only; others see `owner`. */
  visibility: RecordingVisibility;
  /** With `people`, whom (to its owner only). */
  viewers: Array<{ id: string; displayName: string }>;
}

export interface RecordingListView {
  recordings: RecordingView[];
}

/** PUT /api/recordings/:id/sharing (the owner). */
export const shareRecordingRequestSchema = z
  .object({
    visibility: z.enum(RECORDING_VISIBILITIES),
    /** With `people`: their user ids, of the organisation. */
    viewerIds: z.array(z.string().regex(ID_PATTERN, 'Not a valid id')).max(MAX_RECORDING_VIEWERS).default([]),
  })
  .strict();
export type ShareRecordingRequest = z.input<typeof shareRecordingRequestSchema>;

export interface ShareRecordingResponse {
  recording: RecordingView;
  /**
   * With `link`: the address to hand out, shown this once (the server keeps only a digest of its
   * key). Sharing by link again makes a new one, and the old one stops working.
   */
  link?: string;
}

/** POST /api/recordings/:id/link: the key from a shared link's address (after its #). */
export const openRecordingLinkRequestSchema = z.object({ key: z.string().min(16).max(128) }).strict();
