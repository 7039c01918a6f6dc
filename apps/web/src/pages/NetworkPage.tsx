import type { NetworkEndpoint } from '@conclave/protocol';
import { useEffect, useState } from 'react';
import { getNetworkEndpoints } from '../api/endpoints';
import { Alert, Spinner } from '../ui/components';
import { AdminTable } from './admin/AdminTable';
import { AuthLayout } from './AuthLayout';

const PURPOSE: Record<NetworkEndpoint['purpose'], string> = {
  web: 'Web app, API and signaling',
  'region-probe': 'Region probe',
  relay: 'Relay (TURN)',
  media: 'Media server',
};

const PROTOCOL: Record<NetworkEndpoint['protocol'], string> = {
  tcp: 'TCP',
  udp: 'UDP',
  tls: 'TLS over TCP',
};

/**
 * What a firewall must let browsers reach (NET-FQDN), as the server runs now: the same list as
 * GET /api/network/endpoints, for whoever opens the firewall, signed in or not.
 */
export function NetworkPage() {
  const [endpoints, setEndpoints] = useState<NetworkEndpoint[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    getNetworkEndpoints().then(
      (view) => setEndpoints(view.endpoints),
      () => setFailed(true),
    );
  }, []);

  return (
    <AuthLayout
      title="Network requirements"
      subtitle="What a firewall must let browsers reach for meetings here. Every connection goes out from the browser: nothing connects in."
      wide
    >
      <div className="stack">
        {failed && <Alert>The list could not be loaded. Try again in a moment.</Alert>}
        {!endpoints && !failed && <Spinner label="Loading" />}
        {endpoints && (
          <AdminTable columns={['Purpose', 'Host', 'Ports', 'Protocol']}>
            {endpoints.map((e) => (
              <tr key={`${e.host} ${e.ports} ${e.protocol}`}>
                <th scope="row">{PURPOSE[e.purpose]}</th>
                <td className="admin-ip">{e.host}</td>
                <td className="admin-ip">{e.ports}</td>
                <td>{PROTOCOL[e.protocol]}</td>
              </tr>
            ))}
          </AdminTable>
        )}
        <p className="muted">
          Made from this server’s running configuration, so it is always current. Scripts can read it as JSON
          at <a href="/api/network/endpoints">/api/network/endpoints</a>.
        </p>
      </div>
    </AuthLayout>
  );
}
