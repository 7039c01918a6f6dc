/**
 * Mixes every voice the recorder (or a SIP call's gateway page) receives into one audio track (REC-START), with WebAudio. Chromium
 * feeds a remote WebRTC track into WebAudio only while the track also plays in a media element (a
 * muted one is enough; docs/notes/recording-capture-spike.md, 1b), so each gets its own muted
 * `<audio>`. One AudioContext for the recorder's whole life.
 */
export class Mixer {
  readonly context = new AudioContext({ sampleRate: 48_000 });
  /** Where the mix goes; other sounds can be played into it too (the SIP gateway's prompts). */
  readonly destination = this.context.createMediaStreamDestination();
  private readonly voices = new Map<MediaStreamTrack, { element: HTMLAudioElement; source: AudioNode }>();

  constructor(private readonly host: HTMLElement) {}

  /** The mixed track to record. */
  get track(): MediaStreamTrack {
    const track = this.destination.stream.getAudioTracks()[0];
    if (!track) throw new Error('The mixer has no output track');
    return track;
  }

  async resume(): Promise<void> {
    await this.context.resume();
  }

  add(track: MediaStreamTrack): void {
    if (this.voices.has(track)) return;
    const stream = new MediaStream([track]);
    const element = document.createElement('audio');
    element.muted = true;
    element.srcObject = stream;
    this.host.append(element);
    void element.play().catch(() => undefined);
    const source = this.context.createMediaStreamSource(stream);
    source.connect(this.destination);
    this.voices.set(track, { element, source });
  }

  remove(track: MediaStreamTrack): void {
    const voice = this.voices.get(track);
    if (!voice) return;
    voice.source.disconnect();
    voice.element.srcObject = null;
    voice.element.remove();
    this.voices.delete(track);
  }

  get size(): number {
    return this.voices.size;
  }
}
