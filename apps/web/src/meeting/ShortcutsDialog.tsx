import { Button } from '../ui/components';
import { useModalDialog } from '../ui/useModalDialog';
import { SHORTCUTS } from './shortcuts';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** Lists the meeting's keyboard shortcuts; opened by its button and by "?". */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { ref, close } = useModalDialog(open, onClose);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="shortcuts-title"
      onClose={close}
      onClick={(e) => e.target === ref.current && close()}
    >
      <div className="dialog-body">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <p>They work anywhere in the meeting except while you type in a text field.</p>
        <dl className="shortcut-list">
          {SHORTCUTS.map((s) => (
            <div key={s.action} style={{ display: 'contents' }}>
              <dt>{s.label}</dt>
              <dd>
                {s.keys(isMac).map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </dd>
            </div>
          ))}
        </dl>
        <div className="dialog-actions">
          <Button variant="primary" onClick={close}>
            Close
          </Button>
        </div>
      </div>
    </dialog>
  );
}
