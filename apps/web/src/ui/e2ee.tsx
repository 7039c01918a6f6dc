import { useId } from 'react';
import { LockIcon } from './icons';

/** What turning E2EE on means, and what it rules out (E2EE-LIMITS), in one line. */
const E2EE_HINT =
  "Only participants' devices hold the keys, never the server. Rules out recording, live streaming and phone dial-in.";

/** The owner's "End-to-end encryption" switch, for creating and editing a meeting (E2EE-OPTIN). */
export function E2eeSwitch({
  checked,
  onChange,
  disabled,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="e2ee-switch">
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch-input"
        checked={checked}
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id} className="switch-label">
        <span className="switch-track" aria-hidden="true" />
        End-to-end encryption
      </label>
      <p className="field-hint" id={`${id}-hint`}>
        {E2EE_HINT}
      </p>
    </div>
  );
}

/** Says that a meeting is end-to-end encrypted: on the meeting list and on the join page. */
export function E2eeBadge() {
  return (
    <span className="e2ee-badge">
      <LockIcon size={14} />
      End-to-end encrypted
    </span>
  );
}
