/** The code a check was refused with (an AppError's `code`), or 'admitted' when it let the caller in. */
export async function outcome(promise: Promise<void>): Promise<string> {
  try {
    await promise;
    return 'admitted';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}
