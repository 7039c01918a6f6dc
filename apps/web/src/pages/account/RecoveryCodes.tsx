import { Alert, Button, CopyButton } from '../../ui/components';

/** Recovery codes, shown this once (the server keeps only their hashes), until they are saved. */
export function RecoveryCodes({ codes, onSaved }: { codes: string[]; onSaved: () => void }) {
  return (
    <div className="admin-form">
      <Alert tone="info">
        Save these recovery codes somewhere safe. Each signs you in once if you lose your phone or passkeys.
        They are shown only now.
      </Alert>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div className="admin-save">
        <CopyButton text={codes.join('\n')} label="Copy recovery codes" variant="secondary" size="md" />
        <Button variant="primary" onClick={onSaved}>
          I have saved them
        </Button>
      </div>
    </div>
  );
}
