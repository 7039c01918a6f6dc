/**
 * The ring of an incoming call, made with WebAudio (no sound file to ship): two short tones every
 * two seconds until stopped. Silent wherever audio cannot play; the dialog still says it.
 */
export function startRinging(): () => void {
  let ctx: AudioContext | null = null;
  try {
    const Context = window.AudioContext as typeof AudioContext | undefined;
    if (Context) ctx = new Context();
  } catch {
    ctx = null;
  }
  const ring = () => {
    if (!ctx) return;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const start = ctx.currentTime;
    for (const [offset, frequency] of [
      [0, 480],
      [0.45, 440],
    ] as const) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.frequency.value = frequency;
      // Fades in and out, so the tones do not click.
      gain.gain.setValueAtTime(0, start + offset);
      gain.gain.linearRampToValueAtTime(0.12, start + offset + 0.02);
      gain.gain.linearRampToValueAtTime(0, start + offset + 0.4);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.4);
    }
  };
  ring();
  const timer = setInterval(ring, 2000);
  return () => {
    clearInterval(timer);
    void ctx?.close().catch(() => undefined);
    ctx = null;
  };
}
