/** The room closed (emptied or lost its media) while a request was on its way. */
export class RoomClosedError extends Error {
  override name = 'RoomClosedError';
}
