/**
 * Proquints (D. Wilkerson, "A Proposal for Proquints", arXiv:0901.4016): a 16-bit value as one
 * pronounceable five-letter word, consonant-vowel-consonant-vowel-consonant, 4 + 2 + 4 + 2 + 4 bits
 * from the most significant end. A published encoding with its own examples (127.0.0.1 is
 * "lusab babad"), so anyone can check a Codeword by hand. The letters leave out c, q, x (each read
 * as other letters), w, y and e (read differently across languages).
 */
const CONSONANTS = 'bdfghjklmnprstvz';
const VOWELS = 'aiou';
const WORD = /^[bdfghjklmnprstvz][aiou][bdfghjklmnprstvz][aiou][bdfghjklmnprstvz]$/;

export function proquintOf(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new RangeError(`not a 16-bit value: ${value}`);
  }
  return (
    CONSONANTS[(value >> 12) & 0x0f]! +
    VOWELS[(value >> 10) & 0x03]! +
    CONSONANTS[(value >> 6) & 0x0f]! +
    VOWELS[(value >> 4) & 0x03]! +
    CONSONANTS[value & 0x0f]!
  );
}

/** The 16-bit value a word stands for, or null if it is not a proquint word. */
export function proquintValue(word: string): number | null {
  if (!WORD.test(word)) return null;
  const c = (i: number) => CONSONANTS.indexOf(word[i]!);
  const v = (i: number) => VOWELS.indexOf(word[i]!);
  return (c(0) << 12) | (v(1) << 10) | (c(2) << 6) | (v(3) << 4) | c(4);
}
