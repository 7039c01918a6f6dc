import type { Kysely } from 'kysely';

/** Migrations see the database schema of their own moment, not today's Database interface. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- that is Kysely's documented pattern
export type AnyDb = Kysely<any>;
