import { useId, useMemo } from 'react';
import { Checkbox, TextField } from '../ui/components';
import { timeZones, type ScheduleDraft } from './schedule';

/**
 * The optional "Schedule" of the create and edit meeting forms (ADM-CALENDAR): a date, a start and an
 * end time and the time zone they are in (the browser's unless chosen). The link works at any time
 * all the same; the time is for invitations and calendars.
 */
export function ScheduleFields({
  value,
  onChange,
  error,
  disabled,
}: {
  value: ScheduleDraft;
  onChange: (draft: ScheduleDraft) => void;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const id = useId();
  const zones = useMemo(() => timeZones(value.timeZone), [value.timeZone]);
  const set = (change: Partial<ScheduleDraft>) => onChange({ ...value, ...change });
  return (
    <fieldset className="schedule-fields" disabled={disabled}>
      <Checkbox label="Schedule: give it a date and time" checked={value.on} onChange={(on) => set({ on })} />
      {value.on && (
        <div className="schedule-grid">
          <TextField
            label="Date"
            type="date"
            value={value.date}
            onChange={(e) => set({ date: e.target.value })}
          />
          <TextField
            label="Start time"
            type="time"
            value={value.start}
            onChange={(e) => set({ start: e.target.value })}
          />
          <TextField
            label="End time"
            type="time"
            value={value.end}
            onChange={(e) => set({ end: e.target.value })}
          />
          <div className="field field-select">
            <label htmlFor={`${id}-zone`}>Time zone</label>
            <select
              id={`${id}-zone`}
              value={value.timeZone}
              onChange={(e) => set({ timeZone: e.target.value })}
            >
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}
