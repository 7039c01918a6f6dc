/** Why a signed statement or credential could not be read: its bytes do not follow the format. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
}

const MAX_FIELD = 0xffff;

/**
 * A tiny length-prefixed binary format for the statements we sign. Every field carries its length,
 * so two different statements never encode to the same bytes (no ambiguity to exploit in a signature).
 */
export class Writer {
  private readonly parts: Uint8Array[] = [];

  bytes(value: Uint8Array): this {
    if (value.length > MAX_FIELD) throw new RangeError('field longer than 65535 bytes');
    this.parts.push(Uint8Array.of(value.length >> 8, value.length & 0xff), value);
    return this;
  }

  string(value: string): this {
    return this.bytes(new TextEncoder().encode(value));
  }

  /** A non-negative integer below 2^53 in eight big-endian bytes. */
  uint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`not a non-negative integer: ${value}`);
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(value));
    this.parts.push(out);
    return this;
  }

  finish(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export class Reader {
  private at = 0;

  constructor(private readonly input: Uint8Array) {}

  bytes(): Uint8Array<ArrayBuffer> {
    const length = this.take(2);
    return this.take((length[0]! << 8) | length[1]!).slice();
  }

  string(): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes());
    } catch (err) {
      if (err instanceof CodecError) throw err;
      throw new CodecError('a text field is not UTF-8');
    }
  }

  uint(): number {
    const value = new DataView(this.take(8).slice().buffer).getBigUint64(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CodecError('integer out of range');
    return Number(value);
  }

  /** The input must be consumed exactly: trailing bytes are refused, not ignored. */
  end(): void {
    if (this.at !== this.input.length) throw new CodecError('trailing bytes');
  }

  private take(n: number): Uint8Array {
    if (this.at + n > this.input.length) throw new CodecError('truncated');
    const out = this.input.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}
