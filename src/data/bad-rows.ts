// What happens to a bad input row: by default it stops the run with file:line and what was expected;
// with --skip-bad it is skipped, counted by reason, and reported at the end (never dropped silently).
import { UserError } from '../util/errors.ts';

export interface SkipCount {
  count: number;
  /** The first few places (file:line) where it happened. */
  examples: string[];
}

const MAX_EXAMPLES = 5;

export class BadRows {
  readonly skipped = new Map<string, SkipCount>();

  constructor(readonly skipBad: boolean) {}

  /** A malformed row: throws a UserError, or with skipBad counts it under `reason`. */
  bad(where: string, reason: string, detail = ''): void {
    if (!this.skipBad) {
      throw new UserError(`${where}: ${reason}${detail ? ` (${detail})` : ''}. Fix the row, or rerun with --skip-bad to skip such rows (they are counted and reported).`);
    }
    this.count(where, reason);
  }

  /** A row that is always skipped (not an error), e.g. an empty document: counted and reported. */
  count(where: string, reason: string): void {
    let entry = this.skipped.get(reason);
    if (!entry) this.skipped.set(reason, (entry = { count: 0, examples: [] }));
    entry.count++;
    if (entry.examples.length < MAX_EXAMPLES) entry.examples.push(where);
  }

  toJSON(): Record<string, SkipCount> {
    return Object.fromEntries(this.skipped);
  }
}

/** One line per reason, for the end-of-run report on stderr. */
export function describeSkips(skips: Record<string, SkipCount>): string[] {
  return Object.entries(skips).map(([reason, s]) => `skipped ${s.count} ${reason} (first at ${s.examples.join(', ')})`);
}
