import { TextField } from './components';

const PASSCODE = /^\d{4,12}$/;

/** What the server accepts as a meeting passcode (MEET-PASSCODE). */
export const isPasscode = (value: string): boolean => PASSCODE.test(value);

export const PASSCODE_RULE = 'A passcode is 4 to 12 digits';

/** The one passcode input: digits only on phones' keyboards, never filled in by the browser. */
export function PasscodeField({
  label = 'Passcode',
  value,
  onChange,
  error,
  hint,
  disabled,
}: {
  label?: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  hint: string;
  disabled: boolean;
}) {
  return (
    <TextField
      label={label}
      name="passcode"
      inputMode="numeric"
      autoComplete="off"
      maxLength={12}
      value={value}
      onChange={(e) => onChange(e.target.value.trim())}
      error={error}
      hint={hint}
      readOnly={disabled}
    />
  );
}
