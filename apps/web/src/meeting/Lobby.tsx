import { isE2eeSupported } from '@conclave/client';
import type { MeetingPublicView } from '@conclave/protocol';
import { useEffect, useRef, useState, type CSSProperties, type FormEvent } from 'react';
import { Alert, Button, TextField, avatarHue, initials } from '../ui/components';
import { E2eeBadge } from '../ui/e2ee';
import { CaptureNotice } from './Capture';
import { isPasscode, PasscodeField, PASSCODE_RULE } from '../ui/passcode';
import { CameraIcon, CameraOffIcon, MicIcon, MicOffIcon } from '../ui/icons';
import { BackgroundPicker } from './BackgroundPicker';
import { DeviceSelect } from './DeviceSelect';
import { E2EE_UNSUPPORTED, LobbyCodewords } from './LobbyE2ee';
import { useAudioLevel, useTrackElement } from './media';
import { useDevices } from './useRoom';
import type { usePreview } from './usePreview';

const GUEST_NAME_KEY = 'conclave.guestName';

export interface LobbyError {
  message: string;
  /** Set when the error is about one field. */
  field?: 'displayName' | 'passcode';
}

/**
 * The join page: meeting name, camera and microphone preview, device choice, name for guests; for an
 * E2EE meeting the Codewords to compare, or the refusal where this browser cannot encrypt (E2EE-OPTIN).
 */
export function Lobby({
  meeting,
  userName,
  preview,
  busy,
  error,
  onJoin,
  onIntent,
}: {
  meeting: MeetingPublicView;
  /** The signed-in user's name; guests type theirs. */
  userName: string | null;
  preview: ReturnType<typeof usePreview>;
  busy: boolean;
  error: LobbyError | null;
  /** `passcode`: what was typed into the passcode field, when the meeting has one. */
  onJoin: (displayName: string, passcode: string | undefined) => void;
  /** The person is about to join (focus in the form, pointer over it): time to have a connection ready. */
  onIntent: () => void;
}) {
  const [name, setName] = useState(() => localStorage.getItem(GUEST_NAME_KEY) ?? '');
  const [nameError, setNameError] = useState<string | undefined>();
  const [passcode, setPasscode] = useState('');
  const [passcodeError, setPasscodeError] = useState<string | undefined>();
  const devices = useDevices(`${preview.microphone.track?.id}|${preview.camera.track?.id}`);
  const { microphone, camera } = preview;
  const [cannotEncrypt] = useState(() => meeting.e2ee && !isE2eeSupported());

  // Also when the server asked for one the page did not know of (set since it loaded).
  const asksPasscode = meeting.passcodeRequired || error?.field === 'passcode';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy || cannotEncrypt) return;
    // Signed-in people may leave it empty: the owner and administrators need none.
    const code = asksPasscode && passcode !== '' ? passcode : undefined;
    if (asksPasscode && (code === undefined ? userName === null : !isPasscode(code))) {
      setPasscodeError(PASSCODE_RULE);
      return;
    }
    setPasscodeError(undefined);
    if (userName === null) {
      const trimmed = name.trim();
      if (!trimmed) {
        setNameError('Enter your name so others know who joined');
        return;
      }
      setNameError(undefined);
      try {
        localStorage.setItem(GUEST_NAME_KEY, trimmed);
      } catch {
        // Not remembered; that is fine.
      }
      onJoin(trimmed, code);
    } else {
      onJoin(userName, code);
    }
  };

  const shownName = userName ?? name.trim();

  return (
    <main className="join-main">
      <section className="preview-column" aria-label="Camera and microphone preview">
        <PreviewVideo
          track={preview.cameraView}
          name={shownName}
          message={
            camera.error ??
            (!camera.on
              ? 'Camera is off'
              : camera.starting
                ? 'Starting camera…'
                : !camera.track
                  ? 'No camera'
                  : null)
          }
        />
        <div className="preview-controls">
          <MicMeter track={microphone.track} active={microphone.on} />
          <button
            type="button"
            className={`control ${microphone.on ? '' : 'control-off'}`}
            aria-label={microphone.on ? 'Mute microphone' : 'Unmute microphone'}
            title={microphone.on ? 'Mute microphone' : 'Unmute microphone'}
            onClick={() => preview.setMicOn(!microphone.on)}
            disabled={busy}
          >
            {microphone.on ? <MicIcon size={22} /> : <MicOffIcon size={22} />}
          </button>
          <button
            type="button"
            className={`control ${camera.on ? '' : 'control-off'}`}
            aria-label={camera.on ? 'Turn off camera' : 'Turn on camera'}
            title={camera.on ? 'Turn off camera' : 'Turn on camera'}
            onClick={() => preview.setCamOn(!camera.on)}
            disabled={busy}
          >
            {camera.on ? <CameraIcon size={22} /> : <CameraOffIcon size={22} />}
          </button>
        </div>
        {microphone.error && <p className="preview-note">{microphone.error}</p>}
      </section>

      <section className="join-panel">
        <p className="eyebrow">{meeting.organisationName}</p>
        <h1 className="join-title">{meeting.name}</h1>
        {meeting.e2ee && <E2eeBadge />}
        <CaptureNotice meeting={meeting} />
        <p className="muted">Check your camera and microphone, then join when you are ready.</p>
        {meeting.e2ee &&
          (cannotEncrypt ? (
            <Alert>{E2EE_UNSUPPORTED}</Alert>
          ) : (
            <LobbyCodewords ownerIdentityKey={meeting.ownerIdentityKey} />
          ))}
        <form
          className="stack join-form"
          onSubmit={submit}
          onFocus={onIntent}
          onPointerEnter={onIntent}
          noValidate
        >
          {error && !error.field && <Alert>{error.message}</Alert>}
          {userName === null ? (
            <TextField
              label="Your name"
              name="displayName"
              autoComplete="name"
              maxLength={64}
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={nameError ?? (error?.field === 'displayName' ? error.message : undefined)}
              hint="Shown to everyone in the meeting."
              readOnly={busy}
              autoFocus
            />
          ) : (
            <p className="joining-as">
              Joining as{' '}
              <strong>
                <bdi>{userName}</bdi>
              </strong>
            </p>
          )}
          {asksPasscode && (
            <PasscodeField
              value={passcode}
              onChange={setPasscode}
              error={passcodeError ?? (error?.field === 'passcode' ? error.message : undefined)}
              hint={
                userName === null
                  ? 'This meeting needs a passcode. Ask the person who invited you.'
                  : 'This meeting needs a passcode; its owner and administrators can leave it empty.'
              }
              disabled={busy}
            />
          )}
          <div className="device-grid">
            <DeviceSelect
              label="Camera"
              devices={devices.filter((d) => d.kind === 'videoinput')}
              value={camera.deviceId}
              onChange={preview.chooseCam}
              disabled={busy}
            />
            <DeviceSelect
              label="Microphone"
              devices={devices.filter((d) => d.kind === 'audioinput')}
              value={microphone.deviceId}
              onChange={preview.chooseMic}
              disabled={busy}
            />
          </div>
          <BackgroundPicker
            value={preview.background}
            onChange={preview.chooseBackground}
            unavailable={preview.effectsUnavailable}
            disabled={busy}
          />
          <Button type="submit" variant="primary" size="lg" busy={busy} disabled={cannotEncrypt}>
            Join meeting
          </Button>
        </form>
      </section>
    </main>
  );
}

function PreviewVideo({
  track,
  name,
  message,
}: {
  track: MediaStreamTrack | null;
  name: string;
  message: string | null;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  const [hasPicture, setHasPicture] = useState(false);
  useTrackElement(ref, track);
  useEffect(() => setHasPicture(false), [track]);
  const showVideo = track !== null && hasPicture;
  return (
    <div className="preview-video" style={{ '--hue': avatarHue(name || 'you') } as CSSProperties}>
      <div className="tile-avatar" aria-hidden="true">
        <span className="avatar avatar-lg">{name ? initials(name) : '?'}</span>
      </div>
      <video
        ref={ref}
        className="tile-video-el mirrored"
        autoPlay
        playsInline
        muted
        onLoadedData={() => setHasPicture(true)}
      />
      {message && !showVideo && <p className="preview-message">{message}</p>}
      {name && <bdi className="preview-name">{name}</bdi>}
    </div>
  );
}

/** A small level meter so people can see their microphone works before joining. */
function MicMeter({ track, active }: { track: MediaStreamTrack | null; active: boolean }) {
  const level = useAudioLevel(track, active);
  const bars = 5;
  return (
    <div className="mic-meter" aria-hidden="true" title="Microphone level">
      {Array.from({ length: bars }, (_, i) => (
        <span key={i} className={level * bars > i + 0.2 ? 'lit' : ''} />
      ))}
    </div>
  );
}
