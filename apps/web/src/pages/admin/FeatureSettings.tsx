import type { Settings } from '@conclave/protocol';
import { useId, useState } from 'react';
import { changedSections, SettingsCard, type SaveSettings } from './SettingsCard';

type Feature = 'chat' | 'recording' | 'streaming' | 'roomAlerts' | 'calendar';

/** Each switch, and what it does; most wait for their feature (docs/features.md). */
const FEATURES: { key: Feature; label: string; hint: string }[] = [
  {
    key: 'chat',
    label: 'Chat',
    hint: 'Off: nobody can send new messages or start conversations; what was written stays readable.',
  },
  {
    key: 'recording',
    label: 'Recording',
    hint:
      'On: a meeting’s owner (and its moderators, when the owner allows it) may record meetings without ' +
      'end-to-end encryption; everyone in the meeting, and anyone about to join, is told. Needs a ' +
      'server that can record.',
  },
  {
    key: 'streaming',
    label: 'Live streaming',
    hint: 'On: the owners of meetings enabled for streaming (on the Meetings page) may stream them live.',
  },
  { key: 'roomAlerts', label: 'Room-system alerts', hint: waitsFor('room-system alerts') },
  { key: 'calendar', label: 'Calendar integration', hint: waitsFor('the calendar integration') },
];

function waitsFor(feature: string): string {
  return `Takes effect when ${feature} is available.`;
}

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
          {FEATURES.map(({ key, label, hint }) => (
            <li key={key}>
              <label className="check">
                <input
                  type="checkbox"
                  name={key}
                  checked={draft[key].enabled}
                  aria-describedby={`${id}-${key}`}
                  onChange={(e) =>
                    setDraft((d) => ({ ...d, [key]: { ...d[key], enabled: e.target.checked } }))
                  }
                />{' '}
                {label}
              </label>
              <p className="field-hint" id={`${id}-${key}`}>
                {hint}
              </p>
            </li>
          ))}
          <li>
            <label className="check">
              <input
                type="checkbox"
                name="streamingOrganisationOnly"
                checked={draft.streaming.organisationOnly}
                aria-describedby={`${id}-streamingOrganisationOnly`}
                onChange={(e) =>
                  setDraft((d) => ({
                    ...d,
                    streaming: { ...d.streaming, organisationOnly: e.target.checked },
                  }))
                }
              />{' '}
              Live streams only for people of the organisation
            </label>
            <p className="field-hint" id={`${id}-streamingOrganisationOnly`}>
              On: only signed-in people of the organisation can watch a live stream; its link shows nothing to
              anyone else.
            </p>
          </li>
        </ul>
      )}
    </SettingsCard>
  );
}
