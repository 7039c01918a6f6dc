import { CONTRACT_DATA_KEPT_DAYS, type ContractView } from '@conclave/protocol';
import { useEffect, useId, useState } from 'react';
import { getContract, setContract } from '../../api/endpoints';
import { useApiErrorText } from '../../app/session';
import { useFormAction } from '../../app/useFormAction';
import { ConfirmDialog } from '../../meeting/ConfirmDialog';
import { Alert, Button } from '../../ui/components';

const dated = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });
const day = (iso: string) => dated.format(new Date(iso));

/**
 * PRIV-RETENTION: the organisation's contract, for the Administrator alone. Ending it (after a
 * confirmation saying what follows) keeps everything for CONTRACT_DATA_KEPT_DAYS days, then the
 * organisation's data is deleted for good; until then the contract can be resumed.
 */
export function ContractSettings() {
  const id = useId();
  const handle = useApiErrorText();
  const { busy, run, error } = useFormAction();
  const [contract, setView] = useState<ContractView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    // Never fails: a refusal is shown instead.
    void getContract().then(setView, (err: unknown) => setLoadError(handle(err)));
  }, [handle]);

  const change = (ended: boolean) => void run(async () => setView(await setContract({ ended })));

  if (!contract) return loadError ? <Alert>{loadError}</Alert> : null;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="admin-card-title">
        Contract
      </h2>
      {/* One live region whose text changes, so ending and resuming are announced. */}
      <div role="status">
        {contract.endedAt && contract.deletionDueAt ? (
          <p className="admin-note">
            <strong>The contract ended on {day(contract.endedAt)}.</strong> On {day(contract.deletionDueAt)}{' '}
            all of the organisation’s data will be deleted for good: its people, meetings, call records,
            chats, recordings, settings and audit log. Resume the contract before then to keep it.
          </p>
        ) : (
          <p className="muted admin-note">
            The contract is running. When it ends, the organisation’s data is kept for{' '}
            {CONTRACT_DATA_KEPT_DAYS} days and then deleted for good.
          </p>
        )}
      </div>
      {error && <Alert>{error.message}</Alert>}
      <div className="admin-save">
        {contract.endedAt ? (
          <Button variant="primary" busy={busy} onClick={() => change(false)}>
            Resume the contract
          </Button>
        ) : (
          <Button variant="danger" busy={busy} onClick={() => setConfirming(true)}>
            End the contract
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        title="End the contract?"
        message={`Everything stays as it is for ${CONTRACT_DATA_KEPT_DAYS} days. Then the organisation and all of its data are deleted for good: its people and their accounts, meetings, call records, chats, recordings, settings and audit log. Until then you can resume the contract and nothing is lost.`}
        confirm="End the contract"
        onConfirm={() => change(true)}
        onClose={() => setConfirming(false)}
      />
    </section>
  );
}
