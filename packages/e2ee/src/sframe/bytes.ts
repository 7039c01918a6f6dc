/** Below this, byte arithmetic is done in doubles: every frame's header and nonce take this path. */
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Big-endian encoding of a non-negative integer in exactly `length` bytes. */
export function encodeBigEndian(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (value >= 0n && value <= SAFE) {
    let n = Number(value);
    for (let i = length - 1; i >= 0 && n > 0; i--) {
      out[i] = n % 256;
      n = Math.floor(n / 256);
    }
    if (n !== 0) throw new RangeError(`${value} does not fit in ${length} bytes`);
    return out;
  }
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new RangeError(`${value} does not fit in ${length} bytes`);
  return out;
}

export function decodeBigEndian(bytes: Uint8Array): bigint {
  if (bytes.length <= 6) {
    let n = 0;
    for (const b of bytes) n = n * 256 + b;
    return BigInt(n);
  }
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** The fewest bytes that hold `value` (at least one). */
export function minimalLength(value: bigint): number {
  if (value >= 0n && value <= SAFE) {
    let n = 1;
    for (let v = Number(value); v >= 256; v = Math.floor(v / 256)) n++;
    return n;
  }
  let n = 1;
  while (value >> BigInt(8 * n) !== 0n) n++;
  return n;
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 !== 0 || /[^0-9a-f]/i.test(hex)) throw new Error(`not hex: ${hex.slice(0, 20)}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Constant-time comparison of two byte strings of the same length. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
