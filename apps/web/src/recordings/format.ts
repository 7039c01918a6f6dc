import type { RecordingStatus, RecordingView } from '@conclave/protocol';

/** A recording's status in words, as the list and the player say it. */
export const STATUS_TEXT: Record<RecordingStatus, string> = {
  recording: 'Being recorded…',
  ready: 'Ready',
  failed: 'Failed',
};

/** How long a recording lasts in milliseconds, once it has ended (null while recording, or if unknown). */
export function recordingLengthMs(view: Pick<RecordingView, 'startedAt' | 'endedAt'>): number | null {
  if (view.endedAt === null) return null;
  const ms = Date.parse(view.endedAt) - Date.parse(view.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** A length in words: `45 s`, `12 min 5 s`, `1 h 2 min` (seconds matter less the longer it is). */
export function lengthText(ms: number): string {
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
  return `${seconds} s`;
}

/** The same length as an ISO 8601 duration, for a `<time dateTime>`. */
export function lengthIso(ms: number): string {
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return `PT${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}${seconds}S`;
}

/** A file's size for people: `512 B`, `3.4 MB`, `1.2 GB`. */
export function sizeText(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * The name a download is saved under: the meeting's name and the day it was recorded, with the
 * characters file systems refuse replaced (`Weekly sync 2025-01-31.mp4`).
 */
export function downloadName(view: Pick<RecordingView, 'meetingName' | 'startedAt'>): string {
  const name = view.meetingName
    // eslint-disable-next-line no-control-regex -- control characters are what is being removed
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 100)
    .trim();
  const day = view.startedAt.slice(0, 10);
  return `${name || 'Recording'} ${day}.mp4`;
}

const dated = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** When a recording started, as the list shows it. */
export function startedText(iso: string): string {
  return dated.format(new Date(iso));
}
