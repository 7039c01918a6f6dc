import { LOBBY_MODES, type LobbyMode } from '@conclave/protocol';
import { useId } from 'react';

/** Each lobby mode as the owner chooses it (MEET-LOBBY): who waits until a moderator lets them in. */
const LOBBY_TEXT: Record<LobbyMode, string> = {
  off: 'Off — anyone with the link joins',
  guests: 'Guests wait to be let in',
  everyone: 'Everyone but moderators waits',
};

/** The "Lobby" choice of the create and edit meeting forms. */
export function LobbySelect({
  value,
  onChange,
  disabled,
}: {
  value: LobbyMode;
  onChange: (mode: LobbyMode) => void;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="field field-select">
      <label htmlFor={id}>Lobby</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          const mode = LOBBY_MODES.find((m) => m === e.target.value);
          if (mode) onChange(mode);
        }}
      >
        {LOBBY_MODES.map((mode) => (
          <option key={mode} value={mode}>
            {LOBBY_TEXT[mode]}
          </option>
        ))}
      </select>
      <p className="field-hint" id={`${id}-hint`}>
        Moderators (you, Superusers, Administrators and whom you make moderators) let waiting people in.
      </p>
    </div>
  );
}
