import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { phoneNumberSchema, REGION_PATTERN } from '@conclave/protocol';
import { z } from 'zod';

/**
 * How one kind of setting is read. Environment variables are always text, while the configuration
 * file holds JSON values, so each kind says how to read both; zod's message is the user's error text.
 */
export interface ValueKind<T> {
  fromEnv: z.ZodType<T>;
  fromFile: z.ZodType<T>;
  /** Finishes a valid value once its origin is known, e.g. a relative path against its base folder. */
  resolve?: (value: T, baseDir: string) => T;
}

const sameForBoth = <T>(schema: z.ZodType<T>): ValueKind<T> => ({ fromEnv: schema, fromFile: schema });

const string = () => z.string({ error: 'must be a string' });

export const text = sameForBoth(string().min(1, 'must not be empty'));

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  sameForBoth(z.enum(values, { error: `must be one of ${values.join(', ')}` }));

export const httpUrl = sameForBoth(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }));

export const postgresUrl = sameForBoth(
  string().regex(
    /^postgres(ql)?:\/\//,
    'must be a postgres:// URL (leave unset for the embedded SQLite database)',
  ),
);

/** Redis's own URL forms; never echoed in an error, since it may hold the password. */
export const redisUrl = sameForBoth(
  z.url({
    protocol: /^rediss?$/,
    error: 'must be a redis:// or rediss:// URL (leave unset to keep the limits in this process)',
  }),
);

/** The SMTP server for outgoing mail; never echoed in an error, since it may hold the password. */
export const smtpUrl = sameForBoth(
  z.url({
    protocol: /^smtps?$/,
    error: 'must be an smtps:// or smtp:// URL (smtp:// uses STARTTLS, required)',
  }),
);

/** One public IPv4 address, as a 1:1 NAT maps it (media candidates carry it to browsers elsewhere). */
export const publicIpv4 = sameForBoth(
  string().refine((s) => isIP(s) === 4, 'must be an IPv4 address, e.g. 203.0.113.7'),
);

/** An AES-256 key: base64 of 32 random bytes (e.g. `openssl rand -base64 32`); never echoed in an error. */
const aesKeyText = string().refine(
  (s) => /^[A-Za-z0-9+/]{43}=$/.test(s) && Buffer.from(s, 'base64').length === 32,
  'must be 32 bytes in base64 (openssl rand -base64 32)',
);
export const aesKey = sameForBoth(aesKeyText);
export const aesKeys = (): ValueKind<string[]> => listOf(aesKeyText, 'key');

/** On or off: `1` or `0` (also `true`, `false`) in the environment, a JSON boolean in the file. */
export const flag: ValueKind<boolean> = {
  fromEnv: z
    .enum(['1', '0', 'true', 'false'], { error: 'must be 1 or 0' })
    .transform((v) => v === '1' || v === 'true'),
  fromFile: z.boolean({ error: 'must be true or false' }),
};

export const secret = sameForBoth(string().min(16, 'must be at least 16 characters'));

/**
 * A JSON value its reader checks itself: text from the environment, anything from the file (e.g.
 * the recording stores, recording/storage/config.ts).
 */
export const json: ValueKind<unknown> = { fromEnv: string(), fromFile: z.unknown() };

/** A folder or file; relative paths resolve against the working directory or the file's folder. */
export const path: ValueKind<string> = { ...text, resolve: resolvePath };

function resolvePath(p: string, baseDir: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

/**
 * The path of a PEM file (a certificate or a private key). Pasting the PEM text itself is a likely
 * mistake; it is refused without echoing the value, since that text may be a private key.
 */
export const pemFile: ValueKind<string> = {
  ...sameForBoth(
    string()
      .min(1, 'must not be empty')
      .refine((p) => !p.includes('-----BEGIN') && !p.includes('\n'), {
        error: 'must be the path of a PEM file, not the PEM text itself',
      }),
  ),
  resolve: resolvePath,
};

export const port: ValueKind<number> = (() => {
  const range = z.number().int('must be a whole number').min(0).max(65535, 'must be a TCP port (0–65535)');
  return {
    fromEnv: z.string().regex(/^\d+$/, 'must be a number').transform(Number).pipe(range),
    fromFile: z.number({ error: 'must be a number' }).pipe(range),
  };
})();

/** A small count: how many of something to run. */
export const count = (max: number): ValueKind<number> => {
  const range = z
    .number()
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(max, `must be at most ${max}`);
  return {
    fromEnv: z.string().regex(/^\d+$/, 'must be a number').transform(Number).pipe(range),
    fromFile: z.number({ error: 'must be a number' }).pipe(range),
  };
};

export const wsUrl = z
  .string({ error: 'must be a string' })
  .regex(/^wss?:\/\/[^\s]+$/, { error: (issue) => `not a ws:// or wss:// URL: ${String(issue.input)}` });

/** A TURN or STUN server as browsers are given it (RFC 7065 / 7064), e.g. turns:turn.example.com:443?transport=tcp. */
export const iceUrl = z
  .string({ error: 'must be a string' })
  .regex(/^(turns?|stuns?):[^\s/?#]+(\?transport=(udp|tcp))?$/, {
    error: (issue) => `not a turn:, turns: or stun: URL: ${String(issue.input)}`,
  });

const regionName = string().regex(REGION_PATTERN, {
  error: (issue) =>
    `not a region name (lower-case letters, digits and dashes, at most 32): ${String(issue.input)}`,
});

/** A region's name: lower-case letters, digits and dashes, as in `eu-west`. */
export const region = sameForBoth(regionName);

/** One region per embedded media server, in order (so at most `max`); names may repeat. */
export const regionList = (max: number): ValueKind<string[]> => {
  const list = listOf(regionName, 'region');
  const bounded = z.array(z.string()).max(max, `must name at most ${max} regions (one per media server)`);
  return { fromEnv: list.fromEnv.pipe(bounded), fromFile: list.fromFile.pipe(bounded) };
};

/** How many participants a media server is given before new meetings go to another. */
const capacityNumber = z
  .number({ error: 'must be a number of participants' })
  .int('must be a whole number')
  .min(1, 'must be 1 or more')
  .max(1_000_000, 'must be at most 1000000');
export const capacity: ValueKind<number> = {
  fromEnv: z
    .string()
    .regex(/^\d+$/, 'must be a number of participants')
    .transform(Number)
    .pipe(capacityNumber),
  fromFile: capacityNumber,
};

/** A Janus server the operator runs, with its own region and capacity (the shared ones when left out). */
export interface JanusServerSetting {
  url: string;
  region?: string | undefined;
  capacity?: number | undefined;
}

const janusServerList = z
  .array(
    z.strictObject(
      { url: wsUrl, region: regionName.optional(), capacity: capacityNumber.optional() },
      { error: 'must be an object like {"url": "wss://…", "region": "eu-west", "capacity": 200}' },
    ),
    { error: 'must be an array of {url, region, capacity} objects' },
  )
  .min(1, 'must name at least one server');

/**
 * A list of records: JSON in the file, and the same JSON in the environment (one line), since a list
 * of records has no plainer text form. `example` shows the shape in the error for text that is no JSON.
 */
function jsonList<T>(list: z.ZodType<T[]>, example: string): ValueKind<T[]> {
  return {
    fromEnv: string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: `must be a JSON array like ${example}` });
          return z.NEVER;
        }
      })
      .pipe(list),
    fromFile: list,
  };
}

/**
 * The operator's Janus servers, each with its region and capacity: a JSON array of objects in the file,
 * and the same JSON in the environment (one line), since a list of records has no plainer text form.
 */
export const janusServers: ValueKind<JanusServerSetting[]> = jsonList(
  janusServerList,
  '[{"url": "wss://…", "region": "eu-west"}]',
);

/**
 * Where browsers time each region (its probe URL), by region: `a=https://…,b=https://…` in the
 * environment, an object in the file. Regions left out are timed at this server's own probe path.
 */
export const regionUrls: ValueKind<Record<string, string>> = (() => {
  const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
  const record = z.record(regionName, url, { error: 'must be an object of region names to URLs' });
  return {
    fromEnv: string()
      .transform((text, ctx) => {
        const entries: Array<[string, string]> = [];
        for (const part of text
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)) {
          const at = part.indexOf('=');
          if (at <= 0) {
            ctx.addIssue({ code: 'custom', message: `must look like region=URL, not: ${part}` });
            return z.NEVER;
          }
          entries.push([part.slice(0, at).trim(), part.slice(at + 1).trim()]);
        }
        return Object.fromEntries(entries);
      })
      .pipe(record),
    fromFile: record,
  };
})();

/** A duration in whole seconds, 0 or more. */
export const seconds: ValueKind<number> = (() => {
  const range = z.number().int('must be a whole number of seconds').min(0, 'must be 0 or more');
  return {
    fromEnv: z.string().regex(/^\d+$/, 'must be a number of seconds').transform(Number).pipe(range),
    fromFile: z.number({ error: 'must be a number of seconds' }).pipe(range),
  };
})();

/** "20000-40000" in both places: one string is easier to read than a two-field object. */
export const portRange: ValueKind<{ min: number; max: number }> = sameForBoth(
  string()
    .regex(/^\d+-\d+$/, 'must look like 20000-40000')
    .transform((v) => {
      const [min, max] = v.split('-').map(Number) as [number, number];
      return { min, max };
    })
    .refine(
      ({ min, max }) => min >= 1024 && max <= 65535 && min < max,
      'must be a range within 1024–65535 with min < max',
    ),
);

/**
 * A web page's origin as browsers send it in `Origin`: `http(s)://host[:port]`, nothing after it
 * (a trailing slash is taken off), the host in lower case.
 */
export const webOrigin = string()
  .transform((s) => s.replace(/\/$/, ''))
  .refine(
    (s) => /^https?:\/\/[^\s/?#]+$/.test(s) && URL.canParse(s) && new URL(s).origin === s.toLowerCase(),
    {
      error: (issue) => `not an origin like https://intranet.example.org: ${String(issue.input)}`,
    },
  )
  .transform((s) => s.toLowerCase());

/** One IPv4 or IPv6 address (no name, no CIDR). */
export const ipAddress = string().refine((s) => isIP(s) !== 0, {
  error: (issue) => `not an IP address: ${String(issue.input)}`,
});

/** A list: comma-separated in the environment, a JSON array in the file. */
export const listOf = (item: z.ZodType<string, string>, what: string): ValueKind<string[]> => {
  const items = z.array(item).min(1, `must name at least one ${what}`);
  return {
    fromEnv: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(items),
    fromFile: z
      .array(item, { error: `must be an array of ${what}s` })
      .min(1, `must name at least one ${what}`),
  };
};

type ProxyTrust = false | number | string[];

/** One proxy: an IPv4 or IPv6 address, optionally with a prefix length. */
function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

const EVERYONE =
  'name the proxies (addresses or CIDRs, e.g. 127.0.0.1,10.0.0.0/8) or a hop count: "true" would believe an X-Forwarded-For header from anyone';

const proxyList = z.array(string()).superRefine((entries, ctx) => {
  for (const entry of entries) {
    if (!isAddressOrCidr(entry))
      ctx.addIssue({ code: 'custom', message: `not an address or CIDR: ${entry}` });
  }
});

/**
 * Client addresses or CIDRs, comma-separated in the environment, a JSON array in the file. Unlike
 * listOf, it may be empty ("" or []): nobody qualifies by address.
 */
export const addressList: ValueKind<string[]> = {
  fromEnv: string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(proxyList),
  fromFile: z.array(string(), { error: 'must be an array of addresses or CIDRs' }).pipe(proxyList),
};
/**
 * A telephone carrier's SIP trunk (INTEROP-PSTN, docs/sip.md): calls from its addresses are phone
 * calls, and its numbers are the dial-in numbers invitations show. `udp` also takes its calls over
 * plain SIP/UDP with plain RTP (weaker: what many carriers still require); `tls` is SIP over TLS only.
 */
export interface SipTrunkSetting {
  name: string;
  /** What invitations call its numbers, e.g. "Switzerland". */
  label: string;
  addresses: string[];
  numbers: string[];
  transport: 'tls' | 'udp';
}

const sipTrunkList = z
  .array(
    z.strictObject(
      {
        name: string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, {
          error: (issue) =>
            `not a trunk name (lower-case letters, digits and dashes, at most 32): ${String(issue.input)}`,
        }),
        label: string()
          .trim()
          .min(1, 'a label must not be empty')
          .max(40, 'a label has at most 40 characters')
          .default('Phone'),
        addresses: z
          .array(string(), { error: 'addresses must be an array of addresses or CIDRs' })
          .min(1, 'a trunk needs the addresses its calls come from')
          .pipe(proxyList),
        numbers: z
          .array(phoneNumberSchema, { error: 'numbers must be an array of telephone numbers' })
          .max(20)
          .default([]),
        transport: z.enum(['tls', 'udp'], { error: 'transport must be tls or udp' }).default('tls'),
      },
      {
        error:
          'must be an object like {"name": "carrier", "addresses": ["192.0.2.10"], "numbers": ["+41 44 123 45 67"], "transport": "tls"}',
      },
    ),
    { error: 'must be an array of trunks' },
  )
  .superRefine((trunks, ctx) => {
    const seen = new Set<string>();
    for (const { name } of trunks) {
      if (seen.has(name)) ctx.addIssue({ code: 'custom', message: `names the trunk ${name} twice` });
      seen.add(name);
    }
  });

/** SIP trunks: a JSON array in the file, the same JSON (one line) in the environment. */
export const sipTrunks: ValueKind<SipTrunkSetting[]> = jsonList(
  sipTrunkList,
  '[{"name": "carrier", "addresses": ["192.0.2.10"], "numbers": ["+41 44 123 45 67"]}]',
);

const hops = z.number().int('a hop count must be a whole number').min(1).max(16, 'a hop count must be 1–16');

/**
 * Whose X-Forwarded-For to believe: no one (false), the proxies' addresses/CIDRs, or a hop count.
 * Never everyone: then any client could pick its own address and walk past every per-address limit.
 */
export const proxyTrust: ValueKind<ProxyTrust> = {
  fromEnv: string().transform((raw, ctx): ProxyTrust => {
    const v = raw.trim().toLowerCase();
    if (['', 'false', 'no', '0'].includes(v)) return false;
    if (['true', 'yes'].includes(v)) {
      ctx.addIssue({ code: 'custom', message: EVERYONE });
      return z.NEVER;
    }
    const parsed = /^\d+$/.test(v)
      ? hops.safeParse(Number(v))
      : proxyList.safeParse(
          v
            .split(',')
            .map((e) => e.trim())
            .filter(Boolean),
        );
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]!.message });
      return z.NEVER;
    }
    return parsed.data;
  }),
  fromFile: z.union([z.literal(false), hops, proxyList], {
    error: 'must be false, a hop count or a list of proxy addresses, never true (that would believe anyone)',
  }),
};
