// What every label parser returns, and how it reports bad input: all or nothing, with the
// first few problems and where they are.
import type { Label } from '../domain/types';
import { InvalidInputError } from '../errors';

export type LabelFormat = 'csv' | 'tagpack' | 'etherscan' | 'ofac';

/** A label as imported: `name` keeps the file's own wording (`Binance 14`) when `entity` was derived from it. */
export interface ImportedLabel extends Label {
  name?: string;
}

export interface ParsedLabels {
  format: LabelFormat;
  labels: ImportedLabel[];
  /** Entries left out on purpose (a chain tracehold cannot name, an entry with nothing to say), by reason. */
  skipped: Record<string, number>;
  /** The first few skipped entries worth a look (bad addresses in third-party packs). */
  skippedExamples?: LabelIssue[];
}

export interface LabelIssue {
  /** 1-based line in the file, when known. */
  line?: number;
  /** Which entry: `tags[12]`, an address for JSON. */
  entry?: string;
  reason: string;
}

/** How many problems an error message lists; `details.issues` holds up to MAX_ISSUES_KEPT. */
export const ISSUES_IN_MESSAGE = 5;
const MAX_ISSUES_KEPT = 100;

/** Collects problems while parsing, so one error can list them all. */
export class IssueList {
  readonly issues: LabelIssue[] = [];
  count = 0;

  add(issue: LabelIssue): void {
    this.count++;
    if (this.issues.length < MAX_ISSUES_KEPT) this.issues.push(issue);
  }

  /** Throws if anything was added: no partial import. */
  throwIfAny(what: string): void {
    if (this.count === 0) return;
    const shown = this.issues.slice(0, ISSUES_IN_MESSAGE).map(formatIssue).join('; ');
    const more = this.count > ISSUES_IN_MESSAGE ? `; and ${this.count - ISSUES_IN_MESSAGE} more` : '';
    throw new InvalidInputError(
      `${what}: ${this.count} invalid ${this.count === 1 ? 'entry' : 'entries'}, nothing imported: ${shown}${more}`,
      { details: { invalid: this.count, issues: this.issues } },
    );
  }
}

function formatIssue(issue: LabelIssue): string {
  const where = issue.line !== undefined ? `line ${issue.line}` : issue.entry ?? '';
  return where ? `${where}: ${issue.reason}` : issue.reason;
}

export const MAX_SKIPPED_EXAMPLES = 10;

export function countSkip(skipped: Record<string, number>, reason: string): void {
  skipped[reason] = (skipped[reason] ?? 0) + 1;
}
