/**
 * The picture a SIP caller sees (INTEROP-SIP, docs/sip.md): the camera of whoever spoke last, sent
 * by swapping the track of one RTCRtpSender (no compositing per call); before anyone's camera is
 * there, a quiet card with the meeting's name.
 */
export class SpeakerVideo {
  /** Participants' cameras, by participant id, in the order they came. */
  private readonly cameras = new Map<string, MediaStreamTrack>();
  /** Participant ids, the latest speaker first. */
  private speakers: string[] = [];
  private sender: RTCRtpSender | null = null;
  private shown: MediaStreamTrack | null = null;
  readonly placeholder: MediaStreamTrack;

  constructor(canvas: HTMLCanvasElement, title: () => string) {
    canvas.width = 640;
    canvas.height = 360;
    const g = canvas.getContext('2d');
    // A canvas stream has frames only while it is drawn on: a few a second is plenty for a card.
    const draw = () => {
      if (!g) return;
      g.fillStyle = '#1b1f24';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.fillStyle = '#e8eaed';
      g.font = '28px sans-serif';
      g.textAlign = 'center';
      g.fillText(title(), canvas.width / 2, canvas.height / 2);
    };
    draw();
    setInterval(draw, 250);
    const track = canvas.captureStream(4).getVideoTracks()[0];
    if (!track) throw new Error('The gateway page cannot draw its card');
    this.placeholder = track;
  }

  /** The sender towards the caller: from now on it sends what this chooses. */
  attach(sender: RTCRtpSender): void {
    this.sender = sender;
    this.shown = null;
    this.update();
  }

  add(participantId: string, camera: MediaStreamTrack): void {
    this.cameras.set(participantId, camera);
    this.update();
  }

  remove(camera: MediaStreamTrack): void {
    for (const [id, track] of this.cameras) if (track === camera) this.cameras.delete(id);
    this.update();
  }

  /** Who speaks now (the room's active speakers, loudest first). */
  speaking(participantIds: readonly string[]): void {
    this.speakers = [...participantIds, ...this.speakers.filter((id) => !participantIds.includes(id))];
    this.update();
  }

  private update(): void {
    const speaker = this.speakers.find((id) => this.cameras.has(id));
    const next =
      (speaker !== undefined ? this.cameras.get(speaker) : this.cameras.values().next().value) ??
      this.placeholder;
    if (next === this.shown || !this.sender) return;
    this.shown = next;
    void this.sender.replaceTrack(next).catch(() => undefined);
  }
}
