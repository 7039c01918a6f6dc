import { useId } from 'react';

/** A labelled device picker; shows the default device while the browser hides device names. */
export function DeviceSelect({
  label,
  devices,
  value,
  onChange,
  disabled,
  className = '',
}: {
  label: string;
  devices: MediaDeviceInfo[];
  value: string | undefined;
  onChange: (deviceId: string) => void;
  disabled?: boolean;
  className?: string;
}) {
  const id = useId();
  const known = devices.some((d) => d.deviceId === value);
  return (
    <div className={`field field-select ${className}`}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={known ? value : (devices[0]?.deviceId ?? '')}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled || devices.length === 0}
      >
        {devices.length === 0 && <option value="">No device found</option>}
        {devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </div>
  );
}
