import { isAbsolute, resolve } from 'node:path';
import { REGION_PATTERN } from '@conclave/protocol';
import { z } from 'zod';
import type { Clock } from '../../common/clock';
import { ConfigError } from '../../config/errors';
import { LocalStore } from './local-store';
import { S3Store } from './s3-store';
import type { ObjectStore } from './store';

export type StoreSetting =
  | { kind: 'local'; folder: string }
  | {
      kind: 's3';
      endpoint: string;
      region: string;
      bucket: string;
      accessKeyId: string;
      secretAccessKey: string;
    };

/** A store per media region; `default` holds the recordings of regions not named. */
export type RecordingStores = Record<string, StoreSetting>;

/** The store for recordings of meetings that ran in the `default` one's regions. */
const DEFAULT_STORE = 'default';

const text = z.string({ error: 'must be a string' }).min(1, 'must not be empty');

const storeSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('local'), folder: text }),
    z.strictObject({
      kind: z.literal('s3'),
      endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
      // The signing region: AWS's (eu-central-1) or whatever the service calls itself (garage, auto).
      region: z
        .string({ error: 'must be a string' })
        .regex(/^[a-z0-9-]{1,64}$/, 'must be a region like eu-central-1'),
      bucket: z
        .string({ error: 'must be a string' })
        .regex(
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
          'must be a bucket name (3–63 lower-case letters, digits, dots and dashes)',
        ),
      accessKeyId: text,
      secretAccessKey: text,
    }),
  ],
  {
    error:
      'must be {"kind":"local","folder":"…"} or {"kind":"s3","endpoint":"https://…","region":"…","bucket":"…","accessKeyId":"…","secretAccessKey":"…"}',
  },
);

const storesSchema = z
  .record(z.string(), storeSchema, { error: 'must be an object of region names to stores' })
  .refine((stores) => Object.keys(stores).length > 0, 'must name at least one store')
  .superRefine((stores, ctx) => {
    // Here rather than as the record's key schema, whose message zod replaces with its own.
    for (const region of Object.keys(stores)) {
      if (!REGION_PATTERN.test(region)) {
        ctx.addIssue({
          code: 'custom',
          message: `not a region name (lower-case letters, digits and dashes, at most 32): ${region}`,
        });
      }
    }
  });

/**
 * CONCLAVE_RECORDING_STORES (JSON text, as from the environment) or its value in the configuration
 * file (an object). `where` names the setting and its origin for the error; relative local folders
 * resolve against `baseDir`. Messages say which store and field is wrong, and never repeat a value
 * that could be a secret.
 */
export function parseRecordingStores(value: unknown, where: string, baseDir: string): RecordingStores {
  let input = value;
  if (typeof value === 'string') {
    try {
      input = JSON.parse(value) as unknown;
    } catch {
      throw new ConfigError(
        where,
        'must be JSON like {"default":{"kind":"local","folder":"/var/lib/conclave/recordings"}}',
      );
    }
  }
  const parsed = storesSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).map(String).join('.');
    throw new ConfigError(where, `${path ? `${path}: ` : ''}${issue?.message ?? 'is not valid'}`);
  }
  return Object.fromEntries(
    Object.entries(parsed.data).map(([region, store]) => [
      region,
      store.kind === 'local' && !isAbsolute(store.folder)
        ? { ...store, folder: resolve(baseDir, store.folder) }
        : store,
    ]),
  );
}

/** Where a recording of a meeting that ran in `region` goes: that region's store, else the default one. */
export function storeForRegion(stores: RecordingStores, region: string): StoreSetting {
  const store = stores[region] ?? stores[DEFAULT_STORE];
  if (!store) throw new Error(`no recording store for region ${region} and no ${DEFAULT_STORE} store`);
  return store;
}

export function createObjectStore(setting: StoreSetting, clock?: Clock): ObjectStore {
  if (setting.kind === 'local') return new LocalStore(setting.folder);
  const { kind: _kind, ...s3 } = setting;
  return new S3Store({ ...s3, clock });
}
