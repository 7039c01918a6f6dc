/**
 * Resolves when `promise` settles (either way) or after `ms`, whichever comes first: for letting one
 * step go first without ever depending on it.
 */
export function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  const settled = promise.then(
    () => undefined,
    () => undefined,
  );
  return Promise.race([settled, elapsed]).finally(() => clearTimeout(timer));
}
