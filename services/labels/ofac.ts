// OFAC SDN digital-currency address lists (0xB10C/ofac-sanctioned-digital-currency-addresses):
// one address a line, one file per asset (`sanctioned_addresses_ETH.txt`).
import { normalizeLabelAddress, chainOfAddressShape } from './address';
import { IssueList, MAX_SKIPPED_EXAMPLES, countSkip, type ImportedLabel, type LabelIssue, type ParsedLabels } from './result';
import { CONFIDENCE_LEVELS, MULTI_CHAIN_CURRENCIES, chainOfCurrency } from './vocabulary';

export const OFAC_ENTITY = 'OFAC SDN';
const OFAC_SOURCE = 'https://www.treasury.gov/ofac/downloads/sdnlist.txt';

/** What to do with an asset's list: one chain, `by-shape` (USDT, USDC: several chains in one file), or nothing. */
export function ofacChainOfAsset(asset: string): string | 'by-shape' | undefined {
  const upper = asset.trim().toUpperCase();
  if (MULTI_CHAIN_CURRENCIES.has(upper)) return 'by-shape';
  return chainOfCurrency(upper);
}

/**
 * Parse one list. `chain` is a chain name (every line must be an address of it) or
 * `by-shape`: 0x… → ethereum, T… → tron, 1…/3…/bc1… → bitcoin, anything else skipped.
 * Blank lines and `#` comments are ignored. Confidence: GraphSense `authority_data` (60).
 * The published lists hold the odd slip (a TRON address in the XBT list): an address that
 * is not of `chain` is skipped and counted, or fails the list when `strict`.
 */
export function parseOfacList(text: string, chain: string, options: { strict?: boolean } = {}): ParsedLabels {
  const issues = new IssueList();
  const skipped: Record<string, number> = {};
  const skippedExamples: LabelIssue[] = [];
  const labels: ImportedLabel[] = [];
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const lineChain = chain === 'by-shape' ? chainOfAddressShape(line) : chain;
    if (lineChain === undefined) {
      countSkip(skipped, 'address of no known chain');
      return;
    }
    const check = normalizeLabelAddress(lineChain, line);
    if (!check.ok) {
      if (options.strict) {
        issues.add({ line: index + 1, reason: check.reason });
      } else {
        countSkip(skipped, `invalid ${lineChain} address`);
        if (skippedExamples.length < MAX_SKIPPED_EXAMPLES) skippedExamples.push({ line: index + 1, reason: check.reason });
      }
      return;
    }
    labels.push({
      chain: lineChain,
      address: check.address,
      entity: OFAC_ENTITY,
      category: 'sanctioned',
      confidence: CONFIDENCE_LEVELS['authority_data']!,
      source: OFAC_SOURCE,
    });
  });
  issues.throwIfAny('OFAC list');
  const result: ParsedLabels = { format: 'ofac', labels, skipped };
  if (skippedExamples.length > 0) result.skippedExamples = skippedExamples;
  return result;
}
