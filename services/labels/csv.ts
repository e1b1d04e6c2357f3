// Label CSV: `chain,address,entity,category` plus optional `confidence,source`, columns in
// any order (contract, "Label files"). RFC 4180 quoting, a leading BOM and CRLF are fine.
// Every row must be valid or nothing is returned.
import { DEFAULT_LABEL_CONFIDENCE } from '../domain/attribution';
import { LABEL_CATEGORIES } from '../domain/types';
import { BadRequestError, InvalidInputError } from '../errors';
import { normalizeLabelAddress } from './address';
import { IssueList, type ImportedLabel, type ParsedLabels } from './result';
import { isLabelCategory, parseConfidence } from './vocabulary';

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

/**
 * RFC 4180 records. Quoted fields may hold commas, doubled quotes and line breaks; unquoted
 * fields are trimmed; blank lines are skipped. A stray or unterminated quote is malformed
 * input (BadRequestError).
 */
export function parseCsvRecords(text: string): CsvRecord[] {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = input.length;
  let atRecordStart = true;

  while (i <= n) {
    if (atRecordStart) {
      recordLine = line;
      atRecordStart = false;
    }
    // One field (spaces before an opening quote are tolerated).
    let value: string;
    let k = i;
    while (input[k] === ' ' || input[k] === '\t') k++;
    if (input[k] === '"') {
      i = k;
      const startLine = line;
      let out = '';
      i++;
      for (;;) {
        if (i >= n) throw new BadRequestError(`label CSV: line ${startLine}: unterminated quoted field`);
        const c = input[i]!;
        if (c === '"') {
          if (input[i + 1] === '"') {
            out += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        out += c;
        i++;
      }
      // Only spaces may sit between the closing quote and the separator.
      while (input[i] === ' ' || input[i] === '\t') i++;
      if (i < n && input[i] !== ',' && input[i] !== '\n' && input[i] !== '\r') {
        throw new BadRequestError(`label CSV: line ${line}: unexpected text after a closing quote`);
      }
      value = out;
    } else {
      let j = i;
      while (j < n && input[j] !== ',' && input[j] !== '\n' && input[j] !== '\r') j++;
      value = input.slice(i, j).trim();
      if (value.includes('"')) throw new BadRequestError(`label CSV: line ${line}: a quote inside an unquoted field`);
      i = j;
    }
    fields.push(value);

    // Separator, end of record, or end of input.
    if (i < n && input[i] === ',') {
      i++;
      continue;
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    atRecordStart = true;
    if (i >= n) break;
    if (input[i] === '\r') i++;
    if (input[i] === '\n') i++;
    line++;
    if (i >= n) break;
  }
  return records;
}

export interface LabelCsvOptions {
  /** `source` for rows without one (e.g. the file name). */
  defaultSource?: string;
  /** Confidence for rows without one; DEFAULT_LABEL_CONFIDENCE (50) unless set. */
  defaultConfidence?: number;
}

const REQUIRED_COLUMNS = ['chain', 'address', 'entity', 'category'] as const;
const OPTIONAL_COLUMNS = ['confidence', 'source'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

/**
 * Parse a label CSV. Columns other than the six known ones are ignored. Chain names are
 * lower-cased; `bitcoin` and `tron` are checked for their own address shapes, every other
 * chain as EVM (lower-cased hex, EIP-55 checked when mixed case). Confidence: an integer or
 * decimal 0..100 (rounded) or a GraphSense level name; empty means `defaultConfidence`.
 */
export function parseLabelCsv(text: string, options: LabelCsvOptions = {}): ParsedLabels {
  const records = parseCsvRecords(text);
  const header = records[0];
  if (header === undefined) throw new InvalidInputError('label CSV: empty file (expected a header chain,address,entity,category)');

  const index = new Map<Column, number>();
  header.fields.forEach((name, position) => {
    const column = name.trim().toLowerCase() as Column;
    if (([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS] as string[]).includes(column) && !index.has(column)) {
      index.set(column, position);
    }
  });
  const missing = REQUIRED_COLUMNS.filter((column) => !index.has(column));
  if (missing.length > 0) {
    throw new InvalidInputError(
      `label CSV: line ${header.line}: header lacks ${missing.join(', ')} (expected chain,address,entity,category[,confidence][,source])`,
      { details: { header: header.fields } },
    );
  }

  const issues = new IssueList();
  const labels: ImportedLabel[] = [];
  const defaultConfidence = options.defaultConfidence ?? DEFAULT_LABEL_CONFIDENCE;
  const get = (fields: string[], column: Column): string => {
    const position = index.get(column);
    return position === undefined ? '' : (fields[position] ?? '').trim();
  };

  for (const record of records.slice(1)) {
    const problems: string[] = [];
    if (record.fields.length !== header.fields.length) {
      problems.push(`expected ${header.fields.length} fields, found ${record.fields.length}`);
    }
    const chain = get(record.fields, 'chain').toLowerCase();
    if (!/^[a-z][a-z0-9_-]*$/.test(chain)) problems.push(chain ? `bad chain name ${JSON.stringify(chain)}` : 'empty chain');
    const entity = get(record.fields, 'entity').replace(/\s+/g, ' ');
    if (!entity) problems.push('empty entity');
    const category = get(record.fields, 'category').toLowerCase();
    if (!isLabelCategory(category)) {
      problems.push(`unknown category ${JSON.stringify(category)} (one of ${LABEL_CATEGORIES.join(', ')})`);
    }
    let address = get(record.fields, 'address');
    if (chain) {
      const check = normalizeLabelAddress(chain, address);
      if (check.ok) address = check.address;
      else problems.push(check.reason);
    }
    let confidence = defaultConfidence;
    const confidenceText = get(record.fields, 'confidence');
    if (confidenceText) {
      const parsed = parseConfidence(confidenceText);
      if (parsed.ok) confidence = parsed.value;
      else problems.push(parsed.reason);
    }
    const source = get(record.fields, 'source') || options.defaultSource;

    if (problems.length > 0) {
      issues.add({ line: record.line, reason: problems.join(', ') });
      continue;
    }
    const label: ImportedLabel = { chain, address, entity, category: category as ImportedLabel['category'], confidence };
    if (source) label.source = source;
    labels.push(label);
  }
  issues.throwIfAny('label CSV');
  return { format: 'csv', labels, skipped: {} };
}
