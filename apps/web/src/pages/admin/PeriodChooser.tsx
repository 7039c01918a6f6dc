import { useId, useMemo } from 'react';
import { Button, TextField } from '../../ui/components';
import { QUICK_PICKS, quickPeriod, timeZones, today, type Period } from './reportPeriod';

/**
 * The period and time zone of a usage report: two dates, quick picks (the one the dates match is
 * pressed), and a refusal of the period shown under it and tied to both dates.
 */
export function PeriodChooser({
  period,
  timeZone,
  ownTimeZone,
  error,
  onPeriod,
  onTimeZone,
}: {
  period: Period;
  timeZone: string;
  /** The browser's time zone, offered even if the browser's list leaves it out. */
  ownTimeZone: string;
  error: string | null;
  onPeriod: (period: Period) => void;
  onTimeZone: (timeZone: string) => void;
}) {
  const id = useId();
  const zones = useMemo(() => timeZones(ownTimeZone), [ownTimeZone]);
  const now = today(timeZone);
  const invalid = {
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
  } as const;
  return (
    <fieldset className="admin-fieldset usage-period">
      <legend>Period</legend>
      <div className="admin-filters">
        <TextField
          label="From"
          type="date"
          required
          value={period.from}
          onChange={(e) => onPeriod({ ...period, from: e.target.value })}
          {...invalid}
        />
        <TextField
          label="To"
          type="date"
          required
          value={period.to}
          onChange={(e) => onPeriod({ ...period, to: e.target.value })}
          {...invalid}
        />
        <div className="field">
          <label htmlFor={`${id}-zone`}>Time zone</label>
          <select id={`${id}-zone`} value={timeZone} onChange={(e) => onTimeZone(e.target.value)}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="admin-buttons usage-picks">
        {QUICK_PICKS.map(({ pick, label }) => {
          const p = quickPeriod(pick, now);
          const pressed = p.from === period.from && p.to === period.to;
          return (
            <Button key={pick} size="sm" aria-pressed={pressed} onClick={() => onPeriod(p)}>
              {label}
            </Button>
          );
        })}
      </div>
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
