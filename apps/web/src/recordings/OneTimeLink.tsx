import { useId } from 'react';
import { Alert, CopyButton } from '../ui/components';

/**
 * A recording's new link, shown this once: the server keeps only a digest of its key, so neither it
 * nor this page can show it again. Another one can be made, which replaces it.
 */
export function OneTimeLink({ link }: { link: string }) {
  const id = useId();
  return (
    <div className="rec-link" data-testid="recording-link">
      <Alert tone="info">
        This link is shown only once. Copy it now: Conclave keeps no copy of it. Anyone who has it can watch
        the recording.
      </Alert>
      <div className="field">
        <label htmlFor={id}>Link to the recording</label>
        <div className="rec-link-row">
          <input id={id} type="text" readOnly value={link} onFocus={(e) => e.target.select()} />
          <CopyButton text={link} variant="secondary" />
        </div>
      </div>
    </div>
  );
}
