import { useEffect, useState, type FormEvent } from 'react';
import { findRoomMeeting, getPublicMeeting } from '../api/endpoints';
import { ApiError } from '../api/http';

/** The meeting a room joins, as the panel found it. */
export interface MeetingChoice {
  meetingId: string;
  name: string;
  passcode?: string;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'] as const;

/** The meeting id in a join link (…/m/<id>), or null. */
function meetingIdOf(link: string): string | null {
  const match = /\/m\/([A-Za-z0-9-]{1,64})(?:[/?#]|$)/.exec(link.trim());
  return match?.[1] ?? null;
}

/**
 * "Join a meeting" on a room screen (ADM-ROOMS): its 6-digit extension on a big number pad for touch
 * (or the keyboard), or a join link; then the meeting's passcode on the same pad when it has one. A
 * meeting chosen elsewhere on the screen (`ask`: today's list) asks for its passcode here too.
 */
export function JoinPanel({
  onJoin,
  error,
  ask = null,
  onAsked,
}: {
  onJoin: (choice: MeetingChoice) => Promise<void>;
  error: string | null;
  ask?: Omit<MeetingChoice, 'passcode'> | null;
  /** `ask` was taken: it is asked for once. */
  onAsked?: () => void;
}) {
  const [digits, setDigits] = useState('');
  const [link, setLink] = useState('');
  const [asking, setAsking] = useState<Omit<MeetingChoice, 'passcode'> | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const max = asking ? 32 : 6;

  useEffect(() => {
    if (!ask) return;
    setAsking(ask);
    setDigits('');
    setProblem(null);
    onAsked?.();
  }, [ask, onAsked]);

  const press = (key: (typeof KEYS)[number]) => {
    if (key === 'clear') setDigits('');
    else if (key === 'back') setDigits((d) => d.slice(0, -1));
    else setDigits((d) => (d.length < max ? d + key : d));
  };

  const go = async (choice: MeetingChoice) => {
    setAsking(null);
    setDigits('');
    await onJoin(choice);
  };

  // Shows its own errors.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      if (asking) {
        await go({ ...asking, passcode: digits });
      } else if (link.trim()) {
        const id = meetingIdOf(link);
        if (!id) {
          setProblem('That is not a meeting link.');
          return;
        }
        const meeting = await getPublicMeeting(id);
        const choice = { meetingId: meeting.id, name: meeting.name };
        setLink('');
        if (meeting.passcodeRequired) {
          setAsking(choice);
          setDigits('');
        } else await go(choice);
      } else {
        if (!/^\d{6}$/.test(digits)) {
          setProblem('Enter the meeting’s 6-digit extension.');
          return;
        }
        const meeting = await findRoomMeeting(digits);
        const choice = { meetingId: meeting.id, name: meeting.name };
        if (meeting.hasPasscode) {
          setAsking(choice);
          setDigits('');
        } else await go(choice);
      }
    } catch (err) {
      setProblem(
        err instanceof ApiError && err.status === 404
          ? 'No meeting has this extension or link.'
          : err instanceof Error
            ? err.message
            : 'Something went wrong',
      );
    } finally {
      setBusy(false);
    }
  };

  const label = asking ? `Passcode of ${asking.name}` : 'Meeting extension';
  return (
    <form className="room-join" onSubmit={(e) => void submit(e)} aria-labelledby="room-join-title">
      <h1 id="room-join-title" className="room-title">
        {asking ? `Passcode for ${asking.name}` : 'Join a meeting'}
      </h1>
      {(problem ?? error) && (
        <p className="room-error" role="alert">
          {problem ?? error}
        </p>
      )}
      <label className="room-digits-label" htmlFor="room-digits">
        {label}
      </label>
      <input
        id="room-digits"
        className="room-digits"
        inputMode="numeric"
        autoComplete="off"
        value={digits}
        maxLength={max}
        onChange={(e) => setDigits(e.target.value.replace(/\D/g, '').slice(0, max))}
        data-testid="room-digits"
      />
      <div className="room-pad" role="group" aria-label="Number pad">
        {KEYS.map((key) => (
          <button
            key={key}
            type="button"
            className="room-key"
            onClick={() => press(key)}
            aria-label={key === 'clear' ? 'Clear' : key === 'back' ? 'Delete last digit' : key}
          >
            {key === 'clear' ? 'C' : key === 'back' ? '⌫' : key}
          </button>
        ))}
      </div>
      {!asking && (
        <div className="room-link">
          <label htmlFor="room-link">Or a meeting link</label>
          <input
            id="room-link"
            type="url"
            autoComplete="off"
            value={link}
            onChange={(e) => setLink(e.target.value)}
            placeholder="https://…/m/…"
          />
        </div>
      )}
      <div className="room-join-actions">
        {asking && (
          <button type="button" className="room-button room-button-quiet" onClick={() => setAsking(null)}>
            Back
          </button>
        )}
        <button type="submit" className="room-button" disabled={busy} data-testid="room-join">
          {busy ? 'Joining…' : 'Join'}
        </button>
      </div>
    </form>
  );
}
