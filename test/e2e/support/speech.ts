import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RATE = 48_000;

/**
 * Writes a WAV file that sounds to a meeting like someone talking: a 150 Hz voice with harmonics in
 * syllables (four a second, never quite silent), about 12 dB below full scale. Chromium plays it as
 * its fake microphone (`--use-file-for-fake-audio-capture`, looped): its own fake microphone is a
 * 20 ms beep twice a second, which no active-speaker detection tuned for speech calls talking.
 * Returns the file's path.
 */
export function writeSpeechLikeWav(folder: string, seconds = 4): string {
  const samples = RATE * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const t = i / RATE;
    const syllable = 0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t);
    let voice = 0;
    for (const [harmonic, weight] of [
      [1, 1],
      [2, 0.6],
      [3, 0.4],
      [4, 0.25],
      [6, 0.15],
    ] as const) {
      voice += weight * Math.sin(2 * Math.PI * 150 * harmonic * t);
    }
    const value = Math.max(-1, Math.min(1, 0.18 * syllable * voice));
    data.writeInt16LE(Math.round(value * 32_767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // bytes per frame
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  const path = join(folder, 'speech.wav');
  writeFileSync(path, Buffer.concat([header, data]));
  return path;
}
