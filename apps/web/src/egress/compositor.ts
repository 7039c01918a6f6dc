import { arrange, type Rect } from './layout';

/** One tile of the recording: someone's camera (or their name while it is off), or a shared screen. */
export interface Tile {
  key: string;
  name: string;
  /** Playing the received video; null while there is none. */
  video: HTMLVideoElement | null;
  screen: boolean;
  speaking: boolean;
}

const BACKGROUND = '#0b0c0e';
const TILE = '#1d1f24';
const SPEAKING = '#4f8cff';

/**
 * Draws the meeting's layout onto a canvas a fixed number of times a second (REC-START): each frame
 * drawn is a frame of the recording (`capture`). A timer rather than animation frames, which a page
 * nobody looks at may not get.
 */
export class Compositor {
  private readonly context: CanvasRenderingContext2D;
  private tiles: readonly Tile[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private captured: CanvasCaptureMediaStreamTrack | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('This browser cannot draw on a canvas');
    this.context = context;
  }

  show(tiles: readonly Tile[]): void {
    this.tiles = tiles;
  }

  /**
   * The canvas as a video track holding exactly the frames drawn. A capture rate of its own
   * (`captureStream(fps)`) beats against the timer: a frame drawn a little under 1/fps after the last
   * one captured is skipped, and a 3-person meeting was recorded at 15 frames a second, not 25.
   */
  capture(): MediaStreamTrack {
    const [track] = this.canvas.captureStream(0).getVideoTracks();
    if (!track) throw new Error('This browser cannot record a canvas');
    this.captured = track as CanvasCaptureMediaStreamTrack;
    return track;
  }

  start(fps: number): void {
    this.stop();
    this.timer = setInterval(() => this.draw(), 1000 / fps);
    this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private draw(): void {
    const { context: c, canvas } = this;
    c.fillStyle = BACKGROUND;
    c.fillRect(0, 0, canvas.width, canvas.height);
    const screens = this.tiles.filter((t) => t.screen).length;
    const rects = arrange(this.tiles.length, screens, canvas.width, canvas.height);
    this.tiles.forEach((tile, i) => {
      const rect = rects[i];
      if (rect) this.drawTile(tile, rect);
    });
    this.captured?.requestFrame();
  }

  private drawTile(tile: Tile, r: Rect): void {
    const c = this.context;
    c.fillStyle = TILE;
    c.fillRect(r.x, r.y, r.w, r.h);
    const video = tile.video;
    if (video && video.readyState >= 2 && video.videoWidth > 0) {
      // Fitted whole (a screen's text must not be cropped), centred on the tile.
      const scale = Math.min(r.w / video.videoWidth, r.h / video.videoHeight);
      const w = video.videoWidth * scale;
      const h = video.videoHeight * scale;
      c.drawImage(video, r.x + (r.w - w) / 2, r.y + (r.h - h) / 2, w, h);
    } else {
      this.drawInitials(tile.name, r);
    }
    this.drawName(tile.screen ? `${tile.name} (screen)` : tile.name, r);
    if (tile.speaking && !tile.screen) {
      c.strokeStyle = SPEAKING;
      c.lineWidth = 4;
      c.strokeRect(r.x + 2, r.y + 2, r.w - 4, r.h - 4);
    }
  }

  private drawInitials(name: string, r: Rect): void {
    const c = this.context;
    const initials = name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => [...word][0]?.toUpperCase() ?? '')
      .join('');
    c.fillStyle = '#e8eaed';
    c.font = `600 ${Math.round(r.h / 4)}px system-ui, sans-serif`;
    c.textAlign = 'center';
    c.textBaseline = 'middle';
    c.fillText(initials, r.x + r.w / 2, r.y + r.h / 2);
  }

  private drawName(name: string, r: Rect): void {
    const c = this.context;
    const size = Math.max(12, Math.round(r.h / 14));
    c.font = `500 ${size}px system-ui, sans-serif`;
    c.textAlign = 'left';
    c.textBaseline = 'middle';
    const pad = Math.round(size / 2);
    const width = Math.min(c.measureText(name).width + pad * 2, r.w - pad * 2);
    c.fillStyle = 'rgba(0, 0, 0, 0.6)';
    c.fillRect(r.x + pad, r.y + r.h - size * 2 - pad, width, size * 2);
    c.fillStyle = '#ffffff';
    c.fillText(name, r.x + pad * 2, r.y + r.h - size - pad, r.w - pad * 4);
  }
}
