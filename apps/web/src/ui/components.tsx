import {
  useEffect,
  useId,
  useRef,
  useState,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type TextareaHTMLAttributes,
} from 'react';
import { Link } from 'react-router';
import { AlertIcon, CheckIcon, CopyIcon, LogoMark } from './icons';

type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'ghost-dark' | 'danger';

export function Button({
  variant = 'secondary',
  size = 'md',
  busy = false,
  className = '',
  children,
  disabled,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  size?: 'sm' | 'md' | 'lg';
  busy?: boolean;
  /** Passed on to the button with the rest (a prop like any other since React 19). */
  ref?: Ref<HTMLButtonElement>;
}) {
  return (
    <button
      type="button"
      className={`btn btn-${variant} btn-${size} ${className}`}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy && <Spinner size={16} />}
      {children}
    </button>
  );
}

export function Spinner({ size = 20, label }: { size?: number; label?: string }) {
  return (
    <span className="spinner" style={{ width: size, height: size }} role={label ? 'status' : undefined}>
      {label && <span className="sr-only">{label}</span>}
    </span>
  );
}

/** What a labelled control gets from its field: its id and what describes it. */
interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** A label, a control, and under it an error or else a hint, tied to the control for screen readers. */
function Field({
  label,
  error,
  hint,
  className,
  control,
}: {
  label: string;
  error: string | undefined;
  hint: string | undefined;
  className: string;
  control: (props: ControlProps) => ReactNode;
}) {
  const id = useId();
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={`field ${error ? 'field-invalid' : ''} ${className}`}>
      <label htmlFor={id}>{label}</label>
      {control({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && !error && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function TextField({
  label,
  error,
  hint,
  className = '',
  ref,
  ...rest
}: InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  error?: string | undefined;
  hint?: string;
  ref?: Ref<HTMLInputElement>;
}) {
  return (
    <Field
      label={label}
      error={error}
      hint={hint}
      className={className}
      control={(props) => <input ref={ref} {...props} {...rest} />}
    />
  );
}

/** A labelled multi-line text field, with a hint or an error under it as TextField has. */
export function TextArea({
  label,
  error,
  hint,
  className = '',
  ...rest
}: TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  error?: string | undefined;
  hint?: string;
}) {
  return (
    <Field
      label={label}
      error={error}
      hint={hint}
      className={className}
      control={(props) => <textarea {...props} {...rest} />}
    />
  );
}

/** A labelled checkbox (the label is the control's accessible name). */
export function Checkbox({
  label,
  checked,
  onChange,
  disabled,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        disabled={disabled}
      />{' '}
      {label}
    </label>
  );
}

export function Alert({ children, tone = 'error' }: { children: ReactNode; tone?: 'error' | 'info' }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <AlertIcon size={18} />
      <div>{children}</div>
    </div>
  );
}

export function Brand({ to = '/', logo }: { to?: string; logo?: ReactNode }) {
  return (
    <Link to={to} className="brand">
      {logo ?? (
        <>
          <LogoMark />
          <span>Conclave</span>
        </>
      )}
    </Link>
  );
}

/** Copies text and confirms it for a moment; the accessible name stays stable. */
export function CopyButton({
  text,
  label = 'Copy link',
  className = '',
  variant = 'ghost',
  size = 'sm',
  showLabel = true,
}: {
  text: string;
  label?: string;
  className?: string;
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  showLabel?: boolean;
}) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);
  // Never fails: a refused clipboard falls back to select-and-copy, so the button need not wait for it.
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard access can be refused (e.g. plain http on another host): select-and-copy fallback.
      const input = document.createElement('textarea');
      input.value = text;
      document.body.appendChild(input);
      input.select();
      document.execCommand('copy');
      input.remove();
    }
    setCopied(true);
    clearTimeout(timer.current ?? undefined);
    timer.current = setTimeout(() => setCopied(false), 2000);
  };
  return (
    <Button
      variant={variant}
      size={size}
      className={className}
      onClick={() => void copy()}
      aria-label={label}
      title={label}
    >
      {copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
      {showLabel && <span aria-hidden="true">{copied ? 'Copied' : label}</span>}
      <span className="sr-only" role="status">
        {copied ? 'Copied to clipboard' : ''}
      </span>
    </Button>
  );
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** A stable, pleasant colour per person, for avatars: similar ids still land far apart on the wheel. */
export function avatarHue(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return Math.round((h % 1000) * 137.508) % 360;
}
