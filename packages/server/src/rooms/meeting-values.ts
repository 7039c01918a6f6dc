/**
 * One value per meeting kept where every control-plane node finds it (NET-SCALE): Redis with
 * several nodes. A room loads it when it starts, saves as it changes, and forgets it when it is over.
 */
export interface MeetingValues<T> {
  load(meetingId: string): Promise<T | null>;
  save(meetingId: string, value: T): Promise<void>;
  /** Nobody is to take it up again: it goes. */
  forget(meetingId: string): Promise<void>;
}
