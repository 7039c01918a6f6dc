import { useId, useState } from 'react';
import { exportPersonalData } from '../../api/endpoints';
import { useApiErrorText } from '../../app/session';
import { Alert, Button } from '../../ui/components';

/**
 * PRIV-EXPORT: the person downloads everything Conclave stores about them, as a JSON file named as the
 * server names it. Fetched first rather than followed as a link, so that a refusal (too many this
 * hour) shows here instead of as a file.
 */
export function YourDataCard() {
  const id = useId();
  const handle = useApiErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const data = await exportPersonalData();
      const file = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(file);
      const link = document.createElement('a');
      link.href = url;
      link.download = `conclave-personal-data-${data.exportedAt.slice(0, 10)}.json`;
      link.click();
      // After the click has handed the file to the browser's download.
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (err) {
      setError(handle(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="admin-card-title">
        Your data
      </h2>
      <p className="muted">
        Everything Conclave stores about you, as a JSON file: your profile, sign-ins, meetings, calls, the
        messages you wrote, recordings and call records. Nothing about anyone else is in it.
      </p>
      {error && <Alert>{error}</Alert>}
      <div className="admin-save">
        <Button busy={busy} onClick={() => void download()}>
          Download my data
        </Button>
      </div>
    </section>
  );
}
