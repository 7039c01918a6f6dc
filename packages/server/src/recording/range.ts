/**
 * An HTTP Range header's one byte range, as [first, last] within a file of `size` bytes (RFC 9110
 * §14.1.2): `bytes=a-b`, `bytes=a-` and the suffix `bytes=-n`, the last clamped to the end. Null when
 * there is none to honour (no header, another unit, several ranges, or nonsense: the whole file is
 * sent); `unsatisfiable` when it starts beyond the end.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): [number, number] | null | 'unsatisfiable' {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match) return null;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return null;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : [Math.max(0, size - suffix), size - 1];
  }
  const first = Number(from);
  const last = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (!Number.isSafeInteger(first) || first >= size) return 'unsatisfiable';
  if (last < first) return null;
  return [first, last];
}
