import type { E2eeState } from '@conclave/client';
import { Button } from '../ui/components';
import { AlertIcon, LockIcon } from '../ui/icons';
import { describeE2ee } from './e2eeStatus';

/**
 * The top bar's lock in an E2EE meeting: where this client stands in the encrypted group, in words
 * (never by colour alone), and the "Verify" button that opens the comparison dialog.
 */
export function E2eeIndicator({ state, onVerify }: { state: E2eeState | null; onVerify: () => void }) {
  const { label, detail, tone } = describeE2ee(state);
  return (
    <div className="e2ee-indicator" data-tone={tone} title={detail}>
      <span
        className="e2ee-state"
        role="status"
        data-testid="e2ee-status"
        data-status={state?.status ?? 'none'}
      >
        {tone === 'danger' ? <AlertIcon size={15} /> : <LockIcon size={15} />}
        <span>{label}</span>
      </span>
      <Button variant="ghost-dark" size="sm" aria-haspopup="dialog" onClick={onVerify}>
        Verify
      </Button>
    </div>
  );
}

/** A banner that cannot be missed when this client is out of the group for good. */
export function E2eeWarning({ state }: { state: E2eeState | null }) {
  const { label, detail, tone } = describeE2ee(state);
  if (tone !== 'danger') return null;
  return (
    <div className="stage-banner stage-banner-danger" role="alert" data-testid="e2ee-warning">
      <AlertIcon size={18} />
      <span>
        <strong>{label}.</strong> {detail}
      </span>
    </div>
  );
}
