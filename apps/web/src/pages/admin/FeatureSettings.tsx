import type { Settings } from '@conclave/protocol';
import { useId, useState } from 'react';
import { changedSections, SettingsCard, type SaveSettings } from './SettingsCard';

type Feature = 'chat' | 'recording' | 'streaming' | 'roomAlerts' | 'calendar';

/** Each switch, and the feature it waits for: none of them is built yet (docs/features.md). */
const FEATURES: { key: Feature; label: string; feature: string }[] = [
  { key: 'chat', label: 'Chat in meetings', feature: 'chat' },
  { key: 'recording', label: 'Recording', feature: 'recording' },
  { key: 'streaming', label: 'Live streaming', feature: 'live streaming' },
  { key: 'roomAlerts', label: 'Room-system alerts', feature: 'room-system alerts' },
  { key: 'calendar', label: 'Calendar integration', feature: 'the calendar integration' },
];

const draftOf = (s: Settings): Pick<Settings, Feature> => ({
  chat: s.chat,
  recording: s.recording,
  streaming: s.streaming,
  roomAlerts: s.roomAlerts,
  calendar: s.calendar,
});

/** ADM-SETTINGS: the organisation's features, on or off. */
export function FeatureSettings({ settings, save }: { settings: Settings; save: SaveSettings }) {
  const id = useId();
  const [draft, setDraft] = useState(() => draftOf(settings));
  return (
    <SettingsCard
      title="Features"
      changes={changedSections(settings, draft)}
      save={save}
      onSaved={(s) => setDraft(draftOf(s))}
    >
      {() => (
        <ul className="admin-switches">
          {FEATURES.map(({ key, label, feature }) => (
            <li key={key}>
              <label className="check">
                <input
                  type="checkbox"
                  name={key}
                  checked={draft[key].enabled}
                  aria-describedby={`${id}-${key}`}
                  onChange={(e) => setDraft((d) => ({ ...d, [key]: { enabled: e.target.checked } }))}
                />{' '}
                {label}
              </label>
              <p className="field-hint" id={`${id}-${key}`}>
                Takes effect when {feature} is available.
              </p>
            </li>
          ))}
        </ul>
      )}
    </SettingsCard>
  );
}
