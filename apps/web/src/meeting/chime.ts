/**
 * A short beep (~150 ms) made with WebAudio, so that a moderator looking elsewhere notices someone
 * waiting: no sound file to ship or load. Silent wherever audio cannot play (no AudioContext, or the
 * browser's autoplay policy blocks it): a cue is never worth an error.
 */
export function playChime(): void {
  try {
    const Context = window.AudioContext as typeof AudioContext | undefined;
    if (!Context) return;
    const ctx = new Context();
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = 880;
    // A quick fade in and out, so the beep does not click.
    const start = ctx.currentTime;
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(0.15, start + 0.01);
    gain.gain.linearRampToValueAtTime(0, start + 0.15);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.15);
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    // Closed by time rather than on `ended`, which a context the browser keeps suspended never fires.
    setTimeout(() => void ctx.close().catch(() => undefined), 1000);
  } catch {
    // No sound, then: the badge and the announcement still say it.
  }
}
