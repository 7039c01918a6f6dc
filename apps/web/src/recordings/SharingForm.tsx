import { MAX_RECORDING_VIEWERS, type RecordingView } from '@conclave/protocol';
import { useId, useState, type FormEvent } from 'react';
import { shareRecording } from '../api/endpoints';
import { ApiError } from '../api/http';
import { useApiErrorText } from '../app/session';
import { Alert, Button } from '../ui/components';
import { OneTimeLink } from './OneTimeLink';
import { PeoplePicker } from '../people/PeoplePicker';
import {
  initialSharing,
  LINK_DISALLOWED,
  saveLabel,
  sharingChanged,
  sharingProblem,
  sharingRequest,
  VISIBILITY_CHOICES,
} from './sharing';

/**
 * "Who can view" (REC-ACCESS), for the recording's owner: only them, chosen people, the whole
 * organisation, or anyone with its link. A link is shown once, when it is made. Whether the
 * organisation allows links is not in the view: the server's refusal says so, and the choice is then
 * turned off.
 */
export function SharingForm({
  view,
  self,
  onChanged,
}: {
  view: RecordingView;
  self: string;
  onChanged: (view: RecordingView) => void;
}) {
  const id = useId();
  const errorText = useApiErrorText();
  const [draft, setDraft] = useState(() => initialSharing(view));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [link, setLink] = useState<string | null>(null);
  const [linkRefused, setLinkRefused] = useState(false);
  const problem = sharingProblem(draft);

  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (problem) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    setLink(null);
    try {
      const answer = await shareRecording(view.id, sharingRequest(draft));
      onChanged(answer.recording);
      setDraft(initialSharing(answer.recording));
      setLink(answer.link ?? null);
      setSaved(true);
    } catch (err) {
      setError(errorText(err));
      if (err instanceof ApiError && String(err.code) === LINK_DISALLOWED) {
        setLinkRefused(true);
        setDraft(initialSharing(view));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="rec-sharing" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <fieldset className="admin-fieldset">
        <legend id={`${id}-title`}>Who can view</legend>
        {VISIBILITY_CHOICES.map((choice) => {
          const refused = choice.value === 'link' && linkRefused;
          return (
            <div key={choice.value}>
              <label className="check">
                <input
                  type="radio"
                  name={`${id}-visibility`}
                  value={choice.value}
                  checked={draft.visibility === choice.value}
                  disabled={busy || refused}
                  aria-describedby={refused ? `${id}-refused` : undefined}
                  onChange={() => {
                    setDraft({ ...draft, visibility: choice.value });
                    setSaved(false);
                  }}
                />
                {choice.label}
              </label>
              {refused && (
                <p className="field-hint" id={`${id}-refused`}>
                  Your organisation keeps recordings to itself, so they cannot be shared by link.
                </p>
              )}
            </div>
          );
        })}
      </fieldset>
      {draft.visibility === 'people' && (
        <PeoplePicker
          self={self}
          chosen={draft.viewers}
          max={MAX_RECORDING_VIEWERS}
          label="Find people"
          chosenTitle="Can view"
          nobodyChosen="Nobody chosen yet."
          className="rec-people"
          browse
          disabled={busy}
          onChange={(viewers) => {
            setDraft({ ...draft, viewers });
            setSaved(false);
          }}
        />
      )}
      {draft.visibility === 'link' && view.visibility === 'link' && !link && (
        <p className="field-hint">
          It is shared by a link now. A new link replaces it, and the old one stops working.
        </p>
      )}
      {problem && <p className="field-hint">{problem}</p>}
      {error && <Alert>{error}</Alert>}
      {link && <OneTimeLink link={link} />}
      <div className="rec-actions">
        <span role="status" className="muted">
          {saved ? (link ? 'Saved. Here is the new link.' : 'Saved.') : ''}
        </span>
        <Button
          type="submit"
          variant="primary"
          size="sm"
          busy={busy}
          disabled={problem !== null || !sharingChanged(view, draft)}
        >
          {saveLabel(view, draft)}
        </Button>
      </div>
    </form>
  );
}
