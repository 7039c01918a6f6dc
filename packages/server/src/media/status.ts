/** How the media plane is doing, as health checks and the start-up banner report it. */
export type MediaStatus = 'ready' | 'starting' | 'unavailable';

/** The part of the media plane that the HTTP layer and main need: lifecycle and health. */
export interface MediaPlaneLifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): MediaStatus;
}

/** The embedded TURN relay as health sees it (NET-TURN): `off` when Conclave runs none. */
export interface TurnLifecycle {
  status(): MediaStatus | 'off';
  /** The URLs participants are given, for the list of what firewalls must allow (NET-FQDN). */
  readonly urls: readonly string[];
}
