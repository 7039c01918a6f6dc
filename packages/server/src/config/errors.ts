/**
 * A setting that stops start-up. `where` names the setting and where its value came from, e.g.
 * "CONCLAVE_PORT (environment)" or "/etc/conclave/conclave.json: media.rtpPorts", so the operator
 * knows which of the two places to fix.
 */
export class ConfigError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
    this.name = 'ConfigError';
  }
}
