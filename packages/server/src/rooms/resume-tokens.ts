import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../domain';
import { personKey } from './roles';

/** A token that lets a participation or a wait go on on another socket, and the hash the room keeps. */
export interface ResumeTicket {
  token: string;
  hash: string;
}

/** A fresh token (192 random bits); only its SHA-256 is kept, so a copy of the room's state resumes nobody. */
export function resumeTicket(): ResumeTicket {
  const token = randomBytes(24).toString('base64url');
  return { token, hash: hash(token) };
}

/** Whether `token` is the one whose hash was kept, compared in constant time. */
export function tokenMatches(expected: string | null | undefined, token: string): boolean {
  if (expected === null || expected === undefined) return false;
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(hash(token), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The same account, or the same guest token: who may take a participation up again. */
export function samePerson(a: Principal, b: Principal): boolean {
  return personKey(a) === personKey(b);
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
