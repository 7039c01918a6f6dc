import workletUrl from './dtmf.worklet.ts?worker&url';

/**
 * Listens for keypad tones in the caller's audio (INTEROP-PSTN) until stopped, in an AudioWorklet
 * (dtmf.worklet.ts). Chromium feeds a remote WebRTC track into WebAudio only while it also plays in a
 * media element, a muted one being enough.
 */
export async function listenForKeys(
  host: HTMLElement,
  context: AudioContext,
  track: MediaStreamTrack,
  onKey: (key: string) => void,
): Promise<() => void> {
  await context.audioWorklet.addModule(workletUrl);
  const stream = new MediaStream([track]);
  const element = new Audio();
  element.muted = true;
  element.srcObject = stream;
  host.append(element);
  void element.play().catch(() => undefined);
  const source = context.createMediaStreamSource(stream);
  const listener = new AudioWorkletNode(context, 'dtmf-listener', { numberOfOutputs: 0 });
  listener.port.onmessage = (event: MessageEvent<string>) => onKey(event.data);
  source.connect(listener);
  return () => {
    source.disconnect();
    listener.port.onmessage = null;
    element.srcObject = null;
    element.remove();
  };
}
