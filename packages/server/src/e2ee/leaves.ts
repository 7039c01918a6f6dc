/**
 * Which participant holds which MLS leaf, as the delivery service follows it from the commits it
 * accepts: an Add takes the leftmost blank leaf or a new one at the end, a Remove blanks its leaf
 * (RFC 9420 §12.1.1, §12.1.3). Needed to name leaves in Remove proposals and to check who committed.
 */
export class LeafMap {
  private readonly leaves: (string | null)[] = [];

  /** The map `list` described. */
  static of(list: readonly (string | null)[]): LeafMap {
    const map = new LeafMap();
    map.leaves.push(...list);
    return map;
  }

  /** Each leaf's holder, blank leaves as null, in leaf order. */
  list(): (string | null)[] {
    return [...this.leaves];
  }

  add(participantId: string): number {
    const blank = this.leaves.indexOf(null);
    if (blank >= 0) {
      this.leaves[blank] = participantId;
      return blank;
    }
    return this.leaves.push(participantId) - 1;
  }

  remove(leaf: number): void {
    if (leaf < this.leaves.length) this.leaves[leaf] = null;
  }

  leafOf(participantId: string): number | null {
    const leaf = this.leaves.indexOf(participantId);
    return leaf >= 0 ? leaf : null;
  }

  holder(leaf: number): string | null {
    return this.leaves[leaf] ?? null;
  }

  /** Occupied leaves, lowest first. */
  occupied(): { leaf: number; participantId: string }[] {
    const out: { leaf: number; participantId: string }[] = [];
    this.leaves.forEach((participantId, leaf) => {
      if (participantId !== null) out.push({ leaf, participantId });
    });
    return out;
  }
}
