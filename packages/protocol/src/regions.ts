import { z } from 'zod';

/**
 * Media regions (NET-REGIONS): a meeting's media server is chosen in the region nearest to the people
 * who start it, as their browsers measured it. GET /api/regions lists the regions and where to time
 * each; the join message carries what the browser measured.
 */

/** A region's name: lower-case letters, digits and dashes, as in `eu-west` (at most 32). */
export const REGION_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const regionNameSchema = z.string().regex(REGION_PATTERN, 'Not a region name');

/** More regions than this in one join are refused: no deployment has that many, and it bounds the frame. */
export const MAX_REGION_RTTS = 16;
/** A round trip longer than this (ms) is no measurement worth sending. */
const MAX_RTT_MS = 60_000;

/** Median round-trip time in milliseconds to each region the browser could measure. */
export const regionRttsSchema = z
  .record(regionNameSchema, z.number().finite().min(0).max(MAX_RTT_MS))
  .refine((rtts) => Object.keys(rtts).length <= MAX_REGION_RTTS, {
    message: `At most ${MAX_REGION_RTTS} regions`,
  });
export type RegionRtts = z.infer<typeof regionRttsSchema>;

/** Path of a region's probe on a Conclave server; an operator may serve it elsewhere per region. */
export const regionProbePath = (region: string) => `/api/regions/${encodeURIComponent(region)}/probe`;

/** GET /api/regions: every region with a media server, and the URL a browser times to measure it. */
export interface RegionsView {
  regions: Array<{ name: string; probeUrl: string }>;
}
