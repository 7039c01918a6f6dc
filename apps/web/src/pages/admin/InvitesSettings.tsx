import type { Settings } from '@conclave/protocol';
import { useState } from 'react';
import { Button, TextArea, TextField } from '../../ui/components';
import { changedSections, SettingsCard, type SaveError, type SaveSettings } from './SettingsCard';

type Invites = Settings['invites'];
type DialIn = Invites['dialInNumbers'][number];

/** As many rows as the server keeps (settingsSectionsSchema: at most 20). */
const MAX_NUMBERS = 20;

/** ADM-INVITE: the dial-in numbers and call details invitations carry besides the link. */
export function InvitesSettings({ settings, save }: { settings: Settings; save: SaveSettings }) {
  const [invites, setInvites] = useState<Invites>(settings.invites);
  const numbers = invites.dialInNumbers;
  const setNumbers = (dialInNumbers: DialIn[]) => setInvites((i) => ({ ...i, dialInNumbers }));
  const setNumber = (index: number, change: Partial<DialIn>) =>
    setNumbers(numbers.map((n, i) => (i === index ? { ...n, ...change } : n)));

  return (
    <SettingsCard
      title="Invitations"
      note="Takes effect when invitations and telephone dial-in are available."
      changes={changedSections(settings, { invites })}
      save={save}
      onSaved={(s) => setInvites(s.invites)}
      showsField={(field) => SHOWN.test(field)}
    >
      {(error) => (
        <>
          <fieldset className="admin-fieldset">
            <legend>Dial-in numbers</legend>
            {numbers.length === 0 && <p className="muted">No dial-in numbers.</p>}
            <ol className="admin-dial-ins">
              {numbers.map((n, i) => (
                <li key={i} className="admin-dial-in">
                  <TextField
                    label={`Dial-in ${i + 1} label`}
                    maxLength={40}
                    placeholder="Zürich"
                    value={n.label}
                    onChange={(e) => setNumber(i, { label: e.target.value })}
                    error={errorAt(error, `invites.dialInNumbers.${i}.label`)}
                  />
                  <TextField
                    label={`Dial-in ${i + 1} number`}
                    type="tel"
                    maxLength={32}
                    placeholder="+41 44 123 45 67"
                    value={n.number}
                    onChange={(e) => setNumber(i, { number: e.target.value })}
                    error={errorAt(error, `invites.dialInNumbers.${i}.number`)}
                  />
                  <Button
                    variant="ghost"
                    size="sm"
                    className="btn-icon-danger"
                    aria-label={`Remove dial-in ${i + 1}`}
                    onClick={() => setNumbers(numbers.filter((_, j) => j !== i))}
                  >
                    <span aria-hidden="true">Remove</span>
                  </Button>
                </li>
              ))}
            </ol>
            <div>
              <Button
                size="sm"
                disabled={numbers.length >= MAX_NUMBERS}
                onClick={() => setNumbers([...numbers, { label: '', number: '' }])}
              >
                Add a number
              </Button>
            </div>
          </fieldset>
          <TextArea
            label="Call details"
            name="callDetails"
            rows={3}
            maxLength={1000}
            value={invites.callDetails}
            onChange={(e) => setInvites((i) => ({ ...i, callDetails: e.target.value }))}
            error={errorAt(error, 'invites.callDetails')}
            hint="Any other text invitations should carry, such as how to dial in from a room system."
          />
          {error?.field === 'invites.dialInNumbers' && <p className="field-error">{error.message}</p>}
        </>
      )}
    </SettingsCard>
  );
}

/** The refusals a field of this card shows next to itself. */
const SHOWN = /^invites\.(callDetails|dialInNumbers(\.\d+\.(label|number))?)$/;

const errorAt = (error: SaveError | null, field: string) =>
  error?.field === field ? error.message : undefined;
