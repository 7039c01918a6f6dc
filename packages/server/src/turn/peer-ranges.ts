/**
 * Where a relay must never send (NET-TURN): anywhere. A participant's relay only ever needs the media
 * servers, which are allowed back in by address (`allowed-peer-ip`); denying the rest keeps the relay
 * from reaching the hosts on its own network and from serving as an open relay to the internet for
 * as long as a credential lasts, a removed participant's included.
 */
export const DENIED_PEER_RANGES: readonly string[] = [
  '0.0.0.0-255.255.255.255',
  '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
];

/** Relays one credential may hold at once: two connections, each with a UDP, a TCP and a TLS relay, twice over. */
export const RELAYS_PER_CREDENTIAL = 12;
