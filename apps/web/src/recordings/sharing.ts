import {
  MAX_RECORDING_VIEWERS,
  type RecordingView,
  type RecordingVisibility,
  type ShareRecordingRequest,
} from '@conclave/protocol';

/** Someone a recording is shared with by name. */
interface Viewer {
  id: string;
  displayName: string;
}

/** The "Who can view" form as its owner fills it in. */
export interface SharingDraft {
  visibility: RecordingVisibility;
  /** Kept while another choice is on, so going back to "Chosen people" finds them again. */
  viewers: Viewer[];
}

/** The choices, in the order the form offers them. */
export const VISIBILITY_CHOICES: { value: RecordingVisibility; label: string }[] = [
  { value: 'owner', label: 'Only me' },
  { value: 'people', label: 'Chosen people' },
  { value: 'organisation', label: 'Everyone in the organisation' },
  { value: 'link', label: 'Anyone with the link' },
];

/** The form as the recording is shared now. */
export function initialSharing(view: Pick<RecordingView, 'visibility' | 'viewers'>): SharingDraft {
  return { visibility: view.visibility, viewers: view.viewers.map((v) => ({ ...v })) };
}

/** What is wrong with the form, or null when it can be sent. */
export function sharingProblem(draft: SharingDraft): string | null {
  if (draft.visibility !== 'people') return null;
  if (draft.viewers.length === 0) return 'Choose at least one person, or choose “Only me”.';
  if (draft.viewers.length > MAX_RECORDING_VIEWERS) {
    return `A recording can be shared with at most ${MAX_RECORDING_VIEWERS} people by name.`;
  }
  return null;
}

/** PUT /api/recordings/:id/sharing's body: the people only with "Chosen people". */
export function sharingRequest(draft: SharingDraft): ShareRecordingRequest {
  return draft.visibility === 'people'
    ? { visibility: 'people', viewerIds: draft.viewers.map((v) => v.id) }
    : { visibility: draft.visibility };
}

/**
 * Whether saving would change anything. Sharing by link again always does: it makes a new link
 * (and the old one stops working), since the server cannot show an old one again.
 */
export function sharingChanged(
  view: Pick<RecordingView, 'visibility' | 'viewers'>,
  draft: SharingDraft,
): boolean {
  if (draft.visibility !== view.visibility || draft.visibility === 'link') return true;
  if (draft.visibility !== 'people') return false;
  const before = new Set(view.viewers.map((v) => v.id));
  return draft.viewers.length !== before.size || draft.viewers.some((v) => !before.has(v.id));
}

/** The Save button's words, which say what it will do. */
export function saveLabel(view: Pick<RecordingView, 'visibility'>, draft: SharingDraft): string {
  if (draft.visibility !== 'link') return 'Save';
  return view.visibility === 'link' ? 'Make a new link' : 'Save and make a link';
}

/** The server's refusal of link sharing: the organisation keeps its recordings to itself. */
export const LINK_DISALLOWED = 'recording_link_disallowed';

/**
 * The key of a shared link, from its address's fragment (`#key=…`), or null without one. The
 * fragment never reaches the server with the page, and is removed from the address bar once read.
 */
export function linkKey(hash: string): string | null {
  const key = new URLSearchParams(hash.replace(/^#/, '')).get('key');
  return key ? key : null;
}
