// The nodes' warnings and errors during a step. A TestServer keeps only its last 400 log lines, so
// they are looked at often; pino writes one JSON object per line, warn = 40, error = 50, fatal = 60.

/** Lines above this level are kept in JSON as examples, up to this many. */
const EXAMPLES = 5;

export class LogWatch {
  private readonly seen = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  /** Warnings and errors by node and message: "node2 warn: <msg>" → count. */
  readonly counts: Record<string, number> = {};
  readonly examples: string[] = [];

  constructor(private readonly nodes: ReadonlyArray<() => string[]>) {
    this.timer = setInterval(() => this.scan(), 250);
  }

  /** Scans once more and stops. */
  stop(): void {
    clearInterval(this.timer);
    this.scan();
  }

  private scan(): void {
    this.nodes.forEach((lines, i) => {
      for (const line of lines()) {
        if (!/"level":[456]\d/.test(line) || this.seen.has(line)) continue;
        this.seen.add(line);
        let entry: { level?: number; msg?: string };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          entry = { msg: line.slice(0, 200) };
        }
        const key = `node${i + 1} ${(entry.level ?? 50) >= 50 ? 'error' : 'warn'}: ${entry.msg ?? '?'}`;
        this.counts[key] = (this.counts[key] ?? 0) + 1;
        if (this.examples.length < EXAMPLES) this.examples.push(line.slice(0, 600));
      }
    });
  }
}
