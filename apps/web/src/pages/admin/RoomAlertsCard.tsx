import type { EventAlertView } from '@conclave/protocol';
import { useEffect, useState } from 'react';
import { listRoomAlerts } from '../../api/endpoints';
import { useApiErrorText } from '../../app/session';
import { Alert } from '../../ui/components';
import { AdminTable } from './AdminTable';

const WHAT: Record<EventAlertView['kind'], string> = {
  roomOffline: 'Went offline',
  roomOnline: 'Back online',
};

/**
 * ADM-ROOMS: the latest event alerts, newest first: which room system went offline or came back, and
 * to how many Superusers and Administrators it was mailed. Looked at again with the list.
 */
export function RoomAlertsCard({ refreshMs }: { refreshMs: number }) {
  const handle = useApiErrorText();
  const [alerts, setAlerts] = useState<EventAlertView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const load = () =>
      void listRoomAlerts().then(
        (r) => {
          setAlerts(r.alerts);
          setError(null);
        },
        (err: unknown) => setError(handle(err)),
      );
    load();
    const timer = setInterval(load, refreshMs);
    return () => clearInterval(timer);
  }, [handle, refreshMs]);

  return (
    <section className="card" aria-labelledby="admin-room-alerts">
      <h2 id="admin-room-alerts" className="admin-card-title">
        Alerts
      </h2>
      {error && <Alert>{error}</Alert>}
      {alerts && alerts.length === 0 && (
        <p className="empty">
          No alerts. With Room-system alerts on (Settings → Features), a room system going offline or coming
          back is mailed to Superusers and Administrators and listed here.
        </p>
      )}
      {alerts && alerts.length > 0 && (
        <AdminTable columns={['When', 'Room system', 'What', 'Mailed to']}>
          {alerts.map((a) => (
            <tr key={a.id} data-testid="admin-room-alert">
              <td className="admin-when">
                <time dateTime={a.at}>{new Date(a.at).toLocaleString()}</time>
              </td>
              <th scope="row">
                <bdi>{a.roomSystem.name}</bdi>
              </th>
              <td>{WHAT[a.kind]}</td>
              <td>{a.mailed === 1 ? '1 person' : `${a.mailed} people`}</td>
            </tr>
          ))}
        </AdminTable>
      )}
    </section>
  );
}
