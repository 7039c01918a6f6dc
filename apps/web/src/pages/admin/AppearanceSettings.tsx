import {
  accentColourProblem,
  contrastRatio,
  contrastText,
  headerColourProblem,
  MIN_TEXT_CONTRAST,
  textColourOn,
  type Settings,
} from '@conclave/protocol';
import { useId, useState } from 'react';
import { useBranding } from '../../app/branding';
import { BrandingImageField } from './BrandingImageField';
import { changedSections, SettingsCard, type SaveSettings } from './SettingsCard';

const draftOf = (s: Settings): Pick<Settings, 'branding' | 'layouts'> => ({
  branding: s.branding,
  layouts: s.layouts,
});

/**
 * ADM-SETTINGS: the organisation's branding on every page (logo, accent and header colours, each
 * colour checked for contrast as it is chosen), the room systems' wallpaper, and the layout meetings
 * start in. The images are uploaded as they are chosen; the rest is saved with the card.
 */
export function AppearanceSettings({ settings, save }: { settings: Settings; save: SaveSettings }) {
  const layoutId = useId();
  const { branding, update, reload } = useBranding();
  const [draft, setDraft] = useState(() => draftOf(settings));
  const colour = (key: 'accentColour' | 'headerColour') => (value: string) =>
    setDraft((d) => ({ ...d, branding: { ...d.branding, [key]: value } }));
  const accentProblem = accentColourProblem(draft.branding.accentColour);
  const headerText = textColourOn(draft.branding.headerColour);
  return (
    <SettingsCard
      title="Appearance"
      note="The logo and colours show on every page, the sign-in and join pages included. Meetings open in the default layout for whoever has not chosen one on their device."
      changes={changedSections(settings, draft)}
      save={async (changes) => {
        const saved = await save(changes);
        reload();
        return saved;
      }}
      onSaved={(s) => setDraft(draftOf(s))}
      showsField={(field) => field.startsWith('branding')}
    >
      {(error) => (
        <div className="admin-appearance">
          <div className="admin-grid">
            <BrandingImageField
              kind="logo"
              label="Logo"
              url={branding?.logoUrl ?? null}
              onChange={update}
              hint="Shown in the header and on the sign-in and join pages."
            />
            <BrandingImageField
              kind="wallpaper"
              label="Room-system wallpaper"
              url={branding?.wallpaperUrl ?? null}
              onChange={update}
              hint="Shown on meeting-room screens between meetings."
            />
          </div>
          <div className="admin-grid">
            <ColourField
              label="Accent colour"
              name="accentColour"
              value={draft.branding.accentColour}
              onChange={colour('accentColour')}
              check={
                accentProblem ??
                `Links and buttons: white text on it reaches ${contrastText(contrastRatio(draft.branding.accentColour, '#ffffff'))} (at least ${MIN_TEXT_CONTRAST}:1 is needed).`
              }
              invalid={accentProblem !== null}
              error={error?.field === 'branding.accentColour' ? error.message : undefined}
            />
            <ColourField
              label="Header colour"
              name="headerColour"
              value={draft.branding.headerColour}
              onChange={colour('headerColour')}
              check={
                headerColourProblem(draft.branding.headerColour) ??
                `Its text will be ${headerText.colour === '#ffffff' ? 'white' : 'black'}: ${contrastText(headerText.contrast)}.`
              }
              invalid={headerColourProblem(draft.branding.headerColour) !== null}
              error={error?.field === 'branding.headerColour' ? error.message : undefined}
            />
          </div>
          <div
            className="admin-header-preview"
            style={{ background: draft.branding.headerColour, color: headerText.colour }}
            aria-hidden="true"
          >
            <span>Header preview</span>
            <span className="admin-header-preview-button" style={{ background: draft.branding.accentColour }}>
              Button
            </span>
          </div>
          <div className="field admin-layout">
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

/**
 * A colour picker with its contrast check under it, updated as the colour changes and read out by
 * screen readers; a refusal from the server replaces the check.
 */
function ColourField({
  label,
  name,
  value,
  onChange,
  check,
  invalid,
  error,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  check: string;
  invalid: boolean;
  error: string | undefined;
}) {
  const id = useId();
  const problem = error ?? (invalid ? check : undefined);
  return (
    <div className={`field ${problem ? 'field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="admin-colour">
        <input
          id={id}
          type="color"
          name={name}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${id}-check`}
        />
        <code className="admin-colour-value">{value}</code>
      </div>
      <p id={`${id}-check`} className={problem ? 'field-error' : 'field-hint'} aria-live="polite">
        {problem ?? check}
      </p>
    </div>
  );
}
