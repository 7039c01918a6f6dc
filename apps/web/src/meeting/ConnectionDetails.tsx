import type { MediaPath } from '@conclave/client';
import { useId } from 'react';

const PROTOCOL = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' } as const;

/** "Connected via relay (TLS)": what a user or their IT desk asks about a firewalled network (NET-TURN). */
function describeMediaPath(path: MediaPath | null): string {
  if (!path) return 'Not connected yet';
  return `Connected ${path.relayed ? 'via relay' : 'directly'} (${PROTOCOL[path.protocol]})`;
}

/** The connection section of the meeting's settings. */
export function ConnectionDetails({ path }: { path: MediaPath | null }) {
  const id = useId();
  return (
    <section className="connection-details" aria-labelledby={id}>
      <h3 id={id}>Connection</h3>
      <p data-media-path={path ? `${path.relayed ? 'relay' : 'direct'}-${path.protocol}` : 'none'}>
        {describeMediaPath(path)}
      </p>
      {path?.relayed && (
        <p className="field-hint">
          This network does not let media reach the meeting directly, so it goes through the relay server. It
          may add a little delay. Your IT desk can see{' '}
          <a href="/network" target="_blank" rel="noreferrer">
            what a direct connection needs
          </a>
          .
        </p>
      )}
    </section>
  );
}
