import type { UsageReport, UsageTable } from '@conclave/protocol';
import { useEffect, useState, type ReactNode } from 'react';
import { getUsageReport, usageCsvUrl } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { useApiErrorText } from '../../app/session';
import { Alert, Spinner } from '../../ui/components';
import { AdminTable } from './AdminTable';
import { DayChart } from './DayChart';
import { fieldMessage } from './fieldMessage';
import { PeriodChooser } from './PeriodChooser';
import { browserTimeZone, dateText, numberText, quickPeriod, today, type Period } from './reportPeriod';

/**
 * ADM-USAGE: how much the organisation met over a period of days as they are in a chosen time zone:
 * totals, a chart of each day, and who, which meetings and which room systems; every table also as a
 * CSV download.
 */
export function ReportsPage() {
  const handle = useApiErrorText();
  const [ownTimeZone] = useState(browserTimeZone);
  const [timeZone, setTimeZone] = useState(ownTimeZone);
  const [period, setPeriod] = useState<Period>(() => quickPeriod('last30', today(ownTimeZone)));
  const [report, setReport] = useState<UsageReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [periodError, setPeriodError] = useState<string | null>(null);

  // The report again whenever the period or the time zone changes.
  useEffect(() => {
    let cancelled = false;
    setReport(null);
    setError(null);
    setPeriodError(null);
    if (!period.from || !period.to) {
      setPeriodError('Choose the first and the last day.');
      return;
    }
    // Never fails: a refused period is said under it, any other refusal instead of the report.
    void getUsageReport({ ...period, timeZone }).then(
      (r) => !cancelled && setReport(r),
      (err: unknown) => {
        if (cancelled) return;
        const message = handle(err);
        if (err instanceof ApiError && err.status === 400) setPeriodError(fieldMessage(message, err.field));
        else setError(message);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [period, timeZone, handle]);

  const csv = (table: UsageTable) => usageCsvUrl({ ...period, timeZone }, table);
  return (
    <>
      <section className="card" aria-labelledby="admin-usage">
        <h2 id="admin-usage" className="admin-card-title">
          Usage
        </h2>
        <PeriodChooser
          period={period}
          timeZone={timeZone}
          ownTimeZone={ownTimeZone}
          error={periodError}
          onPeriod={setPeriod}
          onTimeZone={setTimeZone}
        />
        {error && <Alert>{error}</Alert>}
        {!report && !error && !periodError && (
          <div className="empty">
            <Spinner label="Loading the usage report" />
          </div>
        )}
        {report && <Totals report={report} />}
      </section>
      {report && (
        <>
          <ReportCard title="Per day" csv={csv('days')}>
            <DayChart
              days={report.days}
              kind="minutes"
              label="Bar chart of the minutes spent in meetings each day. The table under the charts has the numbers."
            />
            <DayChart
              days={report.days}
              kind="counts"
              label="Line chart of the meetings held and their participants each day. The table under the charts has the numbers."
            />
            <details className="usage-days">
              <summary>Show as table</summary>
              <AdminTable columns={['Date', 'Meetings', 'Participants', 'Minutes']}>
                {report.days.map((d) => (
                  <tr key={d.date}>
                    <th scope="row" className="admin-when">
                      <time dateTime={d.date}>{dateText(d.date)}</time>
                    </th>
                    <td className="usage-number">{numberText(d.meetings)}</td>
                    <td className="usage-number">{numberText(d.participants)}</td>
                    <td className="usage-number">{numberText(d.minutes)}</td>
                  </tr>
                ))}
              </AdminTable>
            </details>
          </ReportCard>
          <ReportCard title="People" csv={csv('users')}>
            {report.users.length === 0 ? (
              <p className="empty">No one took part in a meeting in this period.</p>
            ) : (
              <AdminTable columns={['Name', 'Email', 'Meetings', 'Minutes']}>
                {report.users.map((u, i) => (
                  <tr key={u.userId ?? `deleted-${i}`}>
                    <th scope="row">
                      <bdi>{u.displayName}</bdi>
                    </th>
                    <td className="admin-email">{u.email ?? <span className="muted">None</span>}</td>
                    <td className="usage-number">{numberText(u.meetings)}</td>
                    <td className="usage-number">{numberText(u.minutes)}</td>
                  </tr>
                ))}
              </AdminTable>
            )}
          </ReportCard>
          <ReportCard title="Meetings" csv={csv('meetings')}>
            {report.meetings.length === 0 ? (
              <p className="empty">No meetings were held in this period.</p>
            ) : (
              <AdminTable columns={['Meeting', 'Times held', 'Participants', 'Minutes']}>
                {report.meetings.map((m) => (
                  <tr key={m.meetingId}>
                    <th scope="row">
                      <bdi>{m.name}</bdi>
                    </th>
                    <td className="usage-number">{numberText(m.held)}</td>
                    <td className="usage-number">{numberText(m.participants)}</td>
                    <td className="usage-number">{numberText(m.minutes)}</td>
                  </tr>
                ))}
              </AdminTable>
            )}
          </ReportCard>
          <ReportCard title="Room systems" csv={csv('roomSystems')}>
            {report.roomSystems.length === 0 ? (
              <p className="empty">No room systems took part.</p>
            ) : (
              <AdminTable columns={['Room system', 'Meetings', 'Minutes']}>
                {report.roomSystems.map((r) => (
                  <tr key={r.roomSystemId}>
                    <th scope="row">
                      <bdi>{r.name}</bdi>
                    </th>
                    <td className="usage-number">{numberText(r.meetings)}</td>
                    <td className="usage-number">{numberText(r.minutes)}</td>
                  </tr>
                ))}
              </AdminTable>
            )}
          </ReportCard>
        </>
      )}
    </>
  );
}

/** The report's totals, and the period and time zone they are for. */
function Totals({ report }: { report: UsageReport }) {
  const { totals } = report;
  const figures: Array<[string, number]> = [
    ['Meetings', totals.meetings],
    ['Participants', totals.participants],
    ['Of them guests', totals.guests],
    ['Minutes', totals.minutes],
  ];
  return (
    <>
      <p className="muted usage-for">
        From {dateText(report.from)} to {dateText(report.to)}, in {report.timeZone.replace(/_/g, ' ')} time.
      </p>
      <dl className="usage-totals">
        {figures.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{numberText(value)}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

/** A card of the report: its title, its table's CSV download, and the table. */
function ReportCard({ title, csv, children }: { title: string; csv: string; children: ReactNode }) {
  const id = `usage-${title.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-header">
        <h2 id={id}>{title}</h2>
        <a className="btn btn-secondary btn-sm admin-header-action" href={csv} download>
          Download CSV<span className="sr-only">, {title.toLowerCase()}</span>
        </a>
      </div>
      {children}
    </section>
  );
}
