import type { Settings } from '@conclave/protocol';
import { useId, useState } from 'react';
import { useSession } from '../../app/session';
import { changedSections, SettingsCard, type SaveSettings } from './SettingsCard';

type Requirement = Settings['security']['requireSecondFactor'];

const CHOICES: { value: Requirement; label: string }[] = [
  { value: 'nobody', label: 'Nobody: each person chooses' },
  { value: 'managers', label: 'Superusers and Administrators' },
  { value: 'everyone', label: 'Everyone' },
];

/**
 * IAM-LOCAL: who must confirm a password sign-in with a second factor; NET-TURN: whether meetings'
 * media goes only through the relays; REC-ACCESS: whether recordings stay within the organisation (no
 * links). Only the Administrator decides; a Superuser sees the choices without changing them.
 */
export function SecuritySettings({ settings, save }: { settings: Settings; save: SaveSettings }) {
  const id = useId();
  const session = useSession();
  const canChange = session.session?.user.role === 'administrator';
  const [draft, setDraft] = useState(() => ({ security: settings.security }));
  return (
    <SettingsCard
      title="Security"
      note="People without a second factor are walked through setting one up at their next sign-in. Single sign-on is left to your identity provider."
      changes={changedSections(settings, draft)}
      save={save}
      onSaved={(s) => setDraft({ security: s.security })}
    >
      {() => (
        <>
          <div className="field">
            <label htmlFor={`${id}-require`}>Require two-step verification of</label>
            <select
              id={`${id}-require`}
              name="requireSecondFactor"
              value={draft.security.requireSecondFactor}
              disabled={!canChange}
              aria-describedby={canChange ? undefined : `${id}-only`}
              onChange={(e) =>
                setDraft({
                  security: { ...draft.security, requireSecondFactor: e.target.value as Requirement },
                })
              }
            >
              {CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
            {!canChange && (
              <p className="field-hint" id={`${id}-only`}>
                Only the Administrator can change this.
              </p>
            )}
          </div>
          <div className="field">
            <label className="check">
              <input
                type="checkbox"
                name="relayOnly"
                checked={draft.security.relayOnly}
                disabled={!canChange}
                aria-describedby={`${id}-relay`}
                onChange={(e) => setDraft({ security: { ...draft.security, relayOnly: e.target.checked } })}
              />
              Relay all meeting media through the TURN servers
            </label>
            <p className="field-hint" id={`${id}-relay`}>
              Browsers then connect only to the TURN relays, never to the media servers directly: for networks
              that allow outbound connections to known hosts only. It adds a hop to every stream.
            </p>
          </div>
          <div className="field">
            <label className="check">
              <input
                type="checkbox"
                name="recordingsOrganisationOnly"
                checked={draft.security.recordingsOrganisationOnly}
                disabled={!canChange}
                aria-describedby={`${id}-recordings`}
                onChange={(e) =>
                  setDraft({ security: { ...draft.security, recordingsOrganisationOnly: e.target.checked } })
                }
              />
              Recordings can only be viewed by people of the organisation
            </label>
            <p className="field-hint" id={`${id}-recordings`}>
              No one can then share a recording by link, and the links already given stop working. Owners can
              still share with chosen people or the whole organisation.
            </p>
          </div>
        </>
      )}
    </SettingsCard>
  );
}
