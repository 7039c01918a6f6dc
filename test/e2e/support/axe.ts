import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** axe-core's browser bundle; run in the page through the debugging protocol (no CSP applies). */
const AXE_SOURCE = axe.source;

/** The impacts a page must be free of. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** Selectors of the elements at fault, and axe's words on each. */
  nodes: { target: string; summary: string }[];
}

/**
 * Runs axe-core in the page as it is now and returns its serious and critical violations (WCAG 2.x
 * A and AA rules and axe's best practices). Only rules named in `disable` are left out; callers say
 * why.
 */
export async function axeViolations(page: Page, disable: readonly string[] = []): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    async (off: string[]) => {
      interface Result {
        id: string;
        impact?: string | null;
        help: string;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }
      const axe = (
        window as unknown as { axe: { run(c: Document, o: object): Promise<{ violations: Result[] }> } }
      ).axe;
      const result = await axe.run(document, {
        resultTypes: ['violations'],
        rules: Object.fromEntries(off.map((id) => [id, { enabled: false }])),
      });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary ?? '' })),
      }));
    },
    [...disable],
  );
  return violations.filter((v) => v.impact !== null && FAILING_IMPACTS.has(v.impact));
}

/** One line per violation, for an assertion message that says what to fix. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target}: ${n.summary}`).join('; ')}`,
    )
    .join('\n');
}
