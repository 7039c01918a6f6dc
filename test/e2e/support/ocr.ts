import { spawn, spawnSync } from 'node:child_process';

/**
 * Reading words off pictures with Debian's tesseract-ocr (and its English data, tesseract-ocr-eng),
 * which `node scripts/setup.mjs --for-tests` installs.
 */

/** Why OCR cannot run here, or undefined when it can. */
export function ocrUnavailableReason(): string | undefined {
  const r = spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8' });
  const fix = 'install it with node scripts/setup.mjs --for-tests (Debian: tesseract-ocr tesseract-ocr-eng)';
  if (r.error) return `tesseract is not installed: ${fix}`;
  if (!/^eng$/m.test(`${r.stdout}\n${r.stderr}`)) return `tesseract has no English data: ${fix}`;
  return undefined;
}

/** A word tesseract read, with its box in pixels and the line it is on. */
export interface OcrWord {
  text: string;
  line: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The words tesseract reads in a PNG, in reading order (its default page segmentation). Thresholded
 * with Sauvola's local method: a video frame is no page, and the default global Otsu threshold of a
 * mostly green fake-camera picture can fall between the band and the green, after which tesseract
 * found no text at all in about half of our frames, however legible (Sauvola read all of them).
 */
export async function readWords(png: Buffer): Promise<OcrWord[]> {
  const tsv = await new Promise<string>((resolve, reject) => {
    const child = spawn('tesseract', ['stdin', 'stdout', '-l', 'eng', '-c', 'thresholding_method=2', 'tsv'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`tesseract: ${err.trim()}`))));
    child.stdin.end(png);
  });
  // Columns: level page block par line word left top width height conf text; level 5 is a word.
  return tsv
    .split('\n')
    .map((row) => row.split('\t'))
    .filter((c) => c[0] === '5' && (c[11] ?? '').trim() !== '')
    .map((c) => ({
      text: c[11]!.trim(),
      line: `${c[2]}.${c[3]}.${c[4]}`,
      left: Number(c[6]),
      top: Number(c[7]),
      width: Number(c[8]),
      height: Number(c[9]),
    }));
}

/** Levenshtein distance: insertions, deletions and substitutions of single letters. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * One letter off per word. A Codeword word is a proquint (consonant-vowel-consonant-vowel-consonant,
 * 16 consonants, 4 vowels): a random word is within one substitution of a given one with probability
 * 51/65536, so four in a row still single out the Codeword (about 4·10⁻¹³ for a wrong one), while OCR
 * of made-up words at this size can trip on a single letter (u/n, h/b, i/j) that a person would not.
 */
const WORD_TOLERANCE = 1;

/**
 * The OCR words that read as `codeword`'s words, in order, side by side on one line (each within
 * WORD_TOLERANCE edits, letters compared in lower case, anything not a letter dropped, so the lock
 * read as "@" is ignored), or undefined.
 */
export function findCodeword(words: readonly OcrWord[], codeword: string): OcrWord[] | undefined {
  const wanted = codeword.split(' ');
  const letters = words
    .map((w) => ({ ...w, text: w.text.toLowerCase().replace(/[^a-z]/g, '') }))
    .filter((w) => w.text !== '');
  for (let i = 0; i + wanted.length <= letters.length; i++) {
    const run = letters.slice(i, i + wanted.length);
    const oneLine = run.every((w) => w.line === run[0]!.line);
    if (oneLine && run.every((w, k) => editDistance(w.text, wanted[k]!) <= WORD_TOLERANCE)) {
      return run;
    }
  }
  return undefined;
}
