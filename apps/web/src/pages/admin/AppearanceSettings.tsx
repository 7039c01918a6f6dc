import type { Settings } from '@conclave/protocol';
import { useId, useState } from 'react';
import { TextField } from '../../ui/components';
import { changedSections, SettingsCard, type SaveSettings } from './SettingsCard';

const draftOf = (s: Settings): Pick<Settings, 'branding' | 'layouts'> => ({
  branding: s.branding,
  layouts: s.layouts,
});

/** ADM-SETTINGS: the accent colour and the layout meetings start in. */
export function AppearanceSettings({ settings, save }: { settings: Settings; save: SaveSettings }) {
  const layoutId = useId();
  const [draft, setDraft] = useState(() => draftOf(settings));
  return (
    <SettingsCard
      title="Appearance"
      note="Meetings open in the default layout for whoever has not chosen one on their device. The accent colour takes effect when branding is available."
      changes={changedSections(settings, draft)}
      save={save}
      onSaved={(s) => setDraft(draftOf(s))}
      showsField={(field) => field.startsWith('branding')}
    >
      {(error) => (
        <div className="admin-grid">
          <div className="admin-colour">
            <TextField
              label="Accent colour"
              name="accentColour"
              spellCheck={false}
              maxLength={7}
              value={draft.branding.accentColour}
              onChange={(e) => setDraft((d) => ({ ...d, branding: { accentColour: e.target.value } }))}
              error={error?.field?.startsWith('branding') ? error.message : undefined}
              hint="Such as #2457d6."
            />
            <span
              className="admin-swatch"
              style={{ background: draft.branding.accentColour }}
              aria-hidden="true"
            />
          </div>
          <div className="field">
            <label htmlFor={layoutId}>Default meeting layout</label>
            <select
              id={layoutId}
              name="layout"
              value={draft.layouts.default}
              onChange={(e) =>
                setDraft((d) => ({
                  ...d,
                  layouts: { default: e.target.value === 'speaker' ? 'speaker' : 'gallery' },
                }))
              }
            >
              <option value="gallery">Gallery</option>
              <option value="speaker">Speaker</option>
            </select>
          </div>
        </div>
      )}
    </SettingsCard>
  );
}
