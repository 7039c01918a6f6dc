import type { Room } from '@conclave/client';
import { useEffect, useId, useState } from 'react';
import { Button } from '../ui/components';
import { useModalDialog } from '../ui/useModalDialog';
import {
  applyNoiseSuppression,
  rememberNoiseSuppression,
  rememberStrongNoiseSuppression,
  strongNoiseSuppressionPreferred,
} from './audioPreferences';
import {
  backgroundPreferred,
  backgroundProcessor,
  rememberBackground,
  type BackgroundChoice,
} from './backgroundEffect';
import { BackgroundPicker } from './BackgroundPicker';
import { ConnectionDetails } from './ConnectionDetails';
import { DeviceSelect } from './DeviceSelect';
import { useDevices } from './useRoom';

const canPickSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/**
 * Device choice during a meeting: switching applies at once (replaceTrack, no renegotiation); and
 * how the media gets through.
 */
export function SettingsDialog({
  room,
  open,
  onClose,
  speakerId,
  onSpeakerChange,
  onError,
  effectsUnavailable,
  onEffectChange,
}: {
  room: Room;
  open: boolean;
  onClose: () => void;
  speakerId: string | undefined;
  onSpeakerChange: (id: string) => void;
  onError: (message: string) => void;
  /** The background effect could not run here (the room said `effect_unavailable`). */
  effectsUnavailable: boolean;
  /** Another background was chosen (so what was unavailable may be no more). */
  onEffectChange: () => void;
}) {
  const { ref, close } = useModalDialog(open, onClose);
  const devices = useDevices(open);
  const [, setTick] = useState(0);
  const switchId = useId();
  const strongId = useId();
  const [strong, setStrong] = useState(strongNoiseSuppressionPreferred);
  const [background, setBackground] = useState(backgroundPreferred);
  // The join page may have chosen since this dialog was made (the stage is rendered ahead of joining).
  useEffect(() => {
    if (open) setBackground(backgroundPreferred());
  }, [open]);

  const chooseBackground = (choice: BackgroundChoice) => {
    rememberBackground(choice);
    setBackground(choice);
    onEffectChange();
    // A failure is the room's `effect_unavailable` error, which the meeting shows.
    void room.localParticipant.setProcessor('camera', backgroundProcessor(choice)).catch(() => undefined);
  };

  const switchTo = async (kind: 'audioinput' | 'videoinput', id: string) => {
    try {
      await room.switchActiveDevice(kind, id);
      setTick((t) => t + 1);
    } catch (err) {
      onError(err instanceof Error ? err.message : 'Could not switch the device');
    }
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="settings-title"
      onClose={close}
      onClick={(e) => e.target === ref.current && close()}
    >
      <div className="dialog-body">
        <h2 id="settings-title">Audio and video</h2>
        <DeviceSelect
          label="Microphone"
          devices={devices.filter((d) => d.kind === 'audioinput')}
          value={room.getActiveDevice('audioinput')}
          onChange={(id) => void switchTo('audioinput', id)}
        />
        {canPickSpeaker && (
          <DeviceSelect
            label="Speaker"
            devices={devices.filter((d) => d.kind === 'audiooutput')}
            value={speakerId}
            onChange={onSpeakerChange}
          />
        )}
        <div className="e2ee-switch">
          <input
            id={switchId}
            type="checkbox"
            role="switch"
            className="switch-input"
            checked={room.localParticipant.noiseSuppression}
            disabled={strong}
            aria-describedby={`${switchId}-hint`}
            onChange={(e) => {
              const enabled = e.target.checked;
              rememberNoiseSuppression(enabled);
              room.localParticipant.setNoiseSuppression(enabled).then(
                () => setTick((t) => t + 1),
                () => onError('Could not change noise suppression'),
              );
              setTick((t) => t + 1);
            }}
          />
          <label htmlFor={switchId} className="switch-label">
            <span className="switch-track" aria-hidden="true" />
            Noise suppression
          </label>
          <p className="field-hint" id={`${switchId}-hint`}>
            Filters out steady background noise such as fans and typing. Echo cancellation is always on.
          </p>
        </div>
        <div className="e2ee-switch">
          <input
            id={strongId}
            type="checkbox"
            role="switch"
            className="switch-input"
            checked={strong}
            aria-describedby={`${strongId}-hint`}
            onChange={(e) => {
              rememberStrongNoiseSuppression(e.target.checked);
              setStrong(e.target.checked);
              // A failure is the room's `effect_unavailable` error, which the meeting shows.
              void applyNoiseSuppression(room)
                .catch(() => undefined)
                .then(() => setTick((t) => t + 1));
            }}
          />
          <label htmlFor={strongId} className="switch-label">
            <span className="switch-track" aria-hidden="true" />
            Stronger noise suppression
          </label>
          <p className="field-hint" id={`${strongId}-hint`}>
            Removes voices in the background, music and street noise too, on this device (RNNoise), in place
            of the browser&apos;s own.
          </p>
        </div>
        <DeviceSelect
          label="Camera"
          devices={devices.filter((d) => d.kind === 'videoinput')}
          value={room.getActiveDevice('videoinput')}
          onChange={(id) => void switchTo('videoinput', id)}
        />
        <BackgroundPicker value={background} onChange={chooseBackground} unavailable={effectsUnavailable} />
        <ConnectionDetails path={room.mediaPath} />
        <div className="dialog-actions">
          <Button variant="primary" onClick={close}>
            Done
          </Button>
        </div>
      </div>
    </dialog>
  );
}
