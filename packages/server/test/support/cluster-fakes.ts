import type { ClusterEvent, MeetingLeases, NodeBus, NodeMessage } from '../../src/cluster';
import type { MeetingMemories, MeetingMemory, RoomState, RoomStates } from '../../src/rooms';

/**
 * Control-plane nodes wired together in one process, for tests of forwarding without Redis: a bus
 * that delivers in order on a later turn of the event loop, and leases held while their node lives.
 * `kill` makes a node fall silent as if its process had died or its network was cut; `revive` undoes it.
 */
export class InProcessNodes {
  private readonly messageHandlers = new Map<string, Array<(from: string, m: NodeMessage) => void>>();
  private readonly eventHandlers = new Map<string, Array<(e: ClusterEvent) => void>>();
  private readonly unreachableHandlers = new Map<string, Array<(node: string) => void>>();
  private readonly owners = new Map<string, string>();
  private readonly dead = new Set<string>();

  /** A node's bus and leases; it checks its leases and peers every `tickMs`. */
  node(
    nodeId: string,
    tickMs = 50,
  ): { bus: NodeBus; leases: MeetingLeases; memories: MeetingMemories; states: RoomStates; tickMs: number } {
    return {
      bus: this.bus(nodeId),
      leases: this.leases(nodeId),
      memories: this.memories,
      states: this.states,
      tickMs,
    };
  }

  /** Rooms' memories and live states, shared by every node (Redis's part). */
  private readonly memories = sharedValues<MeetingMemory>();
  readonly states = sharedValues<RoomState>();

  kill(nodeId: string): void {
    this.dead.add(nodeId);
  }

  /** Lets a killed node speak again, as one whose network came back after its claims ran out. */
  revive(nodeId: string): void {
    this.dead.delete(nodeId);
  }

  /** Makes the lease name `nodeId`, whether or not that node holds a room for the meeting. */
  giveLease(meetingId: string, nodeId: string): void {
    this.owners.set(meetingId, nodeId);
  }

  ownerOf(meetingId: string): string | undefined {
    return this.owners.get(meetingId);
  }

  private bus(nodeId: string): NodeBus {
    const handlers = this.messageHandlers;
    this.messageHandlers.set(nodeId, []);
    this.eventHandlers.set(nodeId, []);
    this.unreachableHandlers.set(nodeId, []);
    const deliver = (to: string, run: () => void) => {
      if (this.dead.has(nodeId) || this.dead.has(to)) return;
      setImmediate(() => {
        if (!this.dead.has(to)) run();
      });
    };
    return {
      nodeId,
      send: (to, message) => {
        const copy = structuredClone(message);
        if (this.dead.has(to) && !this.dead.has(nodeId)) {
          setImmediate(() => this.unreachableHandlers.get(nodeId)?.forEach((h) => h(to)));
        }
        deliver(to, () => handlers.get(to)?.forEach((h) => h(nodeId, copy)));
      },
      broadcast: (event) => {
        for (const [to, hs] of this.eventHandlers) {
          if (to !== nodeId) deliver(to, () => hs.forEach((h) => h(structuredClone(event))));
        }
      },
      onMessage: (handler) => void handlers.get(nodeId)?.push(handler),
      onEvent: (handler) => void this.eventHandlers.get(nodeId)?.push(handler),
      onUnreachable: (handler) => void this.unreachableHandlers.get(nodeId)?.push(handler),
      close: async () => {
        handlers.delete(nodeId);
        this.eventHandlers.delete(nodeId);
      },
    };
  }

  private leases(nodeId: string): MeetingLeases {
    const live = (owner: string | undefined) => owner !== undefined && !this.dead.has(owner);
    return {
      claim: async (meetingId) => {
        const owner = this.owners.get(meetingId);
        if (owner !== undefined && owner !== nodeId && live(owner)) return { owner };
        this.owners.set(meetingId, nodeId);
        return { owner: nodeId, ...(owner !== undefined && owner !== nodeId && { tookOverFrom: owner }) };
      },
      renew: async (meetingIds) => meetingIds.filter((id) => this.owners.get(id) !== nodeId),
      release: async (meetingId) => {
        if (this.owners.get(meetingId) === nodeId) this.owners.delete(meetingId);
      },
      alive: async (nodeIds) => new Set(nodeIds.filter((n) => !this.dead.has(n))),
      owner: async (meetingId) => {
        const owner = this.owners.get(meetingId);
        return live(owner) ? owner! : null;
      },
    };
  }
}

/** One JSON value per meeting, as Redis keeps it (a copy each way). */
function sharedValues<T>(): {
  load(id: string): Promise<T | null>;
  save(id: string, v: T): Promise<void>;
  forget(id: string): Promise<void>;
} {
  const kept = new Map<string, string>();
  return {
    load: async (id) => (kept.has(id) ? (JSON.parse(kept.get(id)!) as T) : null),
    save: async (id, value) => void kept.set(id, JSON.stringify(value)),
    forget: async (id) => void kept.delete(id),
  };
}
