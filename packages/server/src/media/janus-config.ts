import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The plugin and transport the embedded Janus always loads. */
const JANUS_PLUGIN_FILE = 'libjanus_videoroom.so';
const JANUS_TRANSPORT_FILE = 'libjanus_websockets.so';
/** The SIP plugin, loaded only for the SIP gateway (INTEROP-SIP, docs/sip.md). */
const JANUS_SIP_PLUGIN_FILE = 'libjanus_sip.so';

/** The Janus SIP plugin's side of the SIP gateway: where its SIP stack and its RTP live. */
export interface JanusSipOptions {
  /** Address its SIP stack binds (one port per handle); the gateway's SIP proxy reaches it there. */
  signalingIp: string;
  /** Address its RTP sockets bind and its SDP announces, reachable by SIP endpoints. */
  mediaIp: string;
  /** Its own RTP ports, apart from the WebRTC ones. */
  rtpPortRange: { min: number; max: number };
}

export interface JanusConfigOptions {
  /** Loopback port of the WebSocket transport (must be a real port here, not 0). */
  wsPort: number;
  rtpPortRange: { min: number; max: number };
  /** Interfaces or IP prefixes ICE may gather on (Janus `ice_enforce_list`); null lets Janus choose. */
  iceInterfaces: string | null;
  /**
   * The public address a 1:1 NAT maps this machine's to (Janus `nat_1_1_mapping`): candidates carry
   * it, and the private ones stay for browsers on the same network.
   */
  publicIp?: string | null;
  /** Janus debug level 0–7; 4 (info) by default. */
  debugLevel?: number;
  /** Folder holding Janus's `plugins/` and `transports/` folders; found automatically when omitted. */
  janusLibDir?: string;
  /** Where the config folder is made; the system temp folder by default. */
  parentDir?: string;
  /** Fixed secrets instead of random ones (e.g. a Janus run as an "external" node). */
  apiSecret?: string;
  adminKey?: string;
  /** Also load the SIP plugin, configured so; without it Janus has no SIP stack at all. */
  sip?: JanusSipOptions | null;
}

/** A generated configuration folder and the secrets it holds. Delete it with `removeJanusConfig`. */
export interface GeneratedJanusConfig {
  dir: string;
  configsFolder: string;
  wsPort: number;
  wsUrl: string;
  /** Every Janus API request must carry this; random for each generation. */
  apiSecret: string;
  /** VideoRoom `create` requests must carry this, so only the control plane creates rooms. */
  adminKey: string;
}

/** Where distributions install Janus's loadable modules. */
function janusLibDirCandidates(): string[] {
  const triplet = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  return [
    `/usr/lib/${triplet}/janus`,
    '/usr/lib/janus',
    '/usr/lib64/janus',
    '/usr/local/lib/janus',
    '/opt/janus/lib/janus',
  ];
}

/** The folder with Janus's plugins and transports, or an error naming where it looked. */
export function findJanusLibDir(): string {
  const candidates = janusLibDirCandidates();
  const found = candidates.find((dir) => existsSync(join(dir, 'plugins', JANUS_PLUGIN_FILE)));
  if (!found) {
    throw new Error(
      `Janus VideoRoom plugin (${JANUS_PLUGIN_FILE}) not found in ${candidates.join(', ')}; install the janus package`,
    );
  }
  return found;
}

/**
 * How long Janus keeps a session whose API connection closed, for another control-plane node to claim
 * it with everyone's PeerConnections still running (NET-SCALE: the node owning a meeting died). A
 * takeover claims within a few seconds; unclaimed sessions go after this.
 */
const RECLAIM_SESSION_S = 15;

const secret = () => randomBytes(24).toString('base64url');

/** A jcfg (libconfig) string literal. */
const str = (value: string) => JSON.stringify(value);

/**
 * Writes a Janus configuration into a fresh temporary folder: the core loads only the VideoRoom
 * plugin and the WebSocket transport (through folders of symlinks), the API needs a random secret,
 * the WebSocket listens on 127.0.0.1 only, and there is no admin API, event handler or logger.
 */
export async function writeJanusConfig(options: JanusConfigOptions): Promise<GeneratedJanusConfig> {
  if (!Number.isInteger(options.wsPort) || options.wsPort <= 0 || options.wsPort > 65535) {
    throw new Error(`Janus WebSocket port must be 1–65535, got ${options.wsPort}`);
  }
  const libDir = options.janusLibDir ?? findJanusLibDir();
  const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), 'conclave-janus-'));
  try {
    const configsFolder = join(dir, 'etc');
    const plugins = join(dir, 'plugins');
    const transports = join(dir, 'transports');
    const empty = join(dir, 'empty');
    await Promise.all([configsFolder, plugins, transports, empty].map((d) => mkdir(d, { mode: 0o700 })));
    await symlink(join(libDir, 'plugins', JANUS_PLUGIN_FILE), join(plugins, JANUS_PLUGIN_FILE));
    await symlink(join(libDir, 'transports', JANUS_TRANSPORT_FILE), join(transports, JANUS_TRANSPORT_FILE));
    if (options.sip) {
      const sipPlugin = join(libDir, 'plugins', JANUS_SIP_PLUGIN_FILE);
      if (!existsSync(sipPlugin)) throw new Error(`Janus SIP plugin not found at ${sipPlugin}`);
      await symlink(sipPlugin, join(plugins, JANUS_SIP_PLUGIN_FILE));
    }

    const apiSecret = options.apiSecret ?? secret();
    const adminKey = options.adminKey ?? secret();
    const files = renderJanusConfig({
      configsFolder,
      plugins,
      transports,
      empty,
      apiSecret,
      adminKey,
      wsPort: options.wsPort,
      rtpPortRange: options.rtpPortRange,
      iceInterfaces: options.iceInterfaces,
      publicIp: options.publicIp ?? null,
      debugLevel: options.debugLevel ?? 4,
      sip: options.sip ?? null,
    });
    for (const [name, text] of Object.entries(files)) {
      // The files hold secrets: readable by this user only.
      await writeFile(join(configsFolder, name), text, { mode: 0o600 });
    }
    return {
      dir,
      configsFolder,
      wsPort: options.wsPort,
      wsUrl: `ws://127.0.0.1:${options.wsPort}`,
      apiSecret,
      adminKey,
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export async function removeJanusConfig(config: Pick<GeneratedJanusConfig, 'dir'>): Promise<void> {
  await rm(config.dir, { recursive: true, force: true });
}

interface RenderInput {
  configsFolder: string;
  plugins: string;
  transports: string;
  empty: string;
  apiSecret: string;
  adminKey: string;
  wsPort: number;
  rtpPortRange: { min: number; max: number };
  iceInterfaces: string | null;
  publicIp: string | null;
  debugLevel: number;
  sip: JanusSipOptions | null;
}

/** The text of each configuration file, by file name. */
function renderJanusConfig(input: RenderInput): Record<string, string> {
  const debugLevel = Math.min(7, Math.max(0, Math.trunc(input.debugLevel)));
  const nat = [
    '\tnice_debug = false',
    // Without an enforce list Janus would gather on every interface, virtual ones included.
    input.iceInterfaces ? `\tice_enforce_list = ${str(input.iceInterfaces)}` : '\tice_ignore_list = "vmnet"',
    ...(input.publicIp ? [`\tnat_1_1_mapping = ${str(input.publicIp)}`, '\tkeep_private_host = true'] : []),
  ];
  const core = `# Generated by Conclave for one run of the embedded media server; do not edit.
general: {
\tconfigs_folder = ${str(input.configsFolder)}
\tplugins_folder = ${str(input.plugins)}
\ttransports_folder = ${str(input.transports)}
\tevents_folder = ${str(input.empty)}
\tloggers_folder = ${str(input.empty)}
\tlog_to_stdout = true
\tdebug_level = ${debugLevel}
\tdebug_colors = false
\tdebug_timestamps = false
\tapi_secret = ${str(input.apiSecret)}
\tsession_timeout = 60
\treclaim_session_timeout = ${RECLAIM_SESSION_S}
\tcandidates_timeout = 45
\tserver_name = "conclave-media"
\thide_dependencies = true
\texit_on_dl_error = true
\tprotected_folders = ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sbin", "/sys", "/usr", "/var"]
}
certificates: {
}
media: {
\trtp_port_range = "${input.rtpPortRange.min}-${input.rtpPortRange.max}"
}
nat: {
${nat.join('\n')}
}
plugins: {
}
transports: {
}
loggers: {
}
events: {
\tbroadcast = false
}
`;
  const videoroom = `# Generated by Conclave. No static rooms: the control plane creates one per active meeting.
general: {
\tadmin_key = ${str(input.adminKey)}
\tlock_rtp_forward = true
\tevents = false
}
`;
  const websockets = `# Generated by Conclave: the Janus API on loopback only, no TLS listener, no admin API.
general: {
\tjson = "plain"
\tws = true
\tws_port = ${input.wsPort}
\tws_ip = "127.0.0.1"
\twss = false
\tws_logging = "err,warn"
}
admin: {
\tadmin_ws = false
\tadmin_wss = false
}
`;
  return {
    'janus.jcfg': core,
    'janus.plugin.videoroom.jcfg': videoroom,
    'janus.transport.websockets.jcfg': websockets,
    ...(input.sip && { 'janus.plugin.sip.jcfg': renderSipPlugin(input.sip) }),
  };
}

/**
 * The SIP plugin: no keep-alive OPTIONS and no STUN (its only peer is our own SIP proxy), no event
 * handlers. SIP endpoints send their RTP to `mediaIp`.
 */
function renderSipPlugin(sip: JanusSipOptions): string {
  return `# Generated by Conclave for the SIP gateway (docs/sip.md).
general: {
\tlocal_ip = ${str(sip.signalingIp)}
\tlocal_media_ip = ${str(sip.mediaIp)}
\tsdp_ip = ${str(sip.mediaIp)}
\tkeepalive_interval = 0
\tbehind_nat = false
\tregister_ttl = 3600
\trtp_port_range = "${sip.rtpPortRange.min}-${sip.rtpPortRange.max}"
\tuser_agent = "Conclave SIP gateway"
\tevents = false
}
`;
}
