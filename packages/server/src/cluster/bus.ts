import type { ClusterEvent, NodeMessage } from './messages';

/**
 * How control-plane nodes talk (NET-SCALE): Redis pub/sub between nodes, an in-process pair in tests.
 * Delivery is at most once, in the order sent from one node to another; a message to a node that is
 * gone is lost, which the leases' liveness tells the sender about.
 */
export interface NodeBus {
  readonly nodeId: string;
  send(to: string, message: NodeMessage): void;
  /** To every other node. */
  broadcast(event: ClusterEvent): void;
  onMessage(handler: (from: string, message: NodeMessage) => void): void;
  onEvent(handler: (event: ClusterEvent) => void): void;
  /** A message sent to `node` reached nobody: that node is not listening (dead, or cut off from Redis). */
  onUnreachable(handler: (node: string) => void): void;
  close(): Promise<void>;
}

/**
 * Who owns each meeting's live state, and which nodes are alive. A claim lasts a few seconds unless
 * renewed; a node that stops renewing (killed, cut off) is dead once its claims run out.
 */
/** Who owns a meeting after a claim; `tookOverFrom`: the dead node this claim took it from. */
export interface Claim {
  owner: string;
  tookOverFrom?: string;
}

export interface MeetingLeases {
  /** The meeting's owner now: this node when the meeting was free or its owner dead, else the holder. */
  claim(meetingId: string): Promise<Claim>;
  /**
   * Says this node is alive and renews its claims on `meetingIds`; resolves with those of them it no
   * longer holds (another node took them while this one was silent).
   */
  renew(meetingIds: readonly string[]): Promise<string[]>;
  /** Gives up a claim, when this node still holds it. */
  release(meetingId: string): Promise<void>;
  /** Which of these nodes are up (alive and listening) just now. */
  alive(nodeIds: readonly string[]): Promise<Set<string>>;
  /** The node owning the meeting, or null when nobody holds it. */
  owner(meetingId: string): Promise<string | null>;
}
