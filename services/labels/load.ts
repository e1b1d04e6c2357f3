// One entry point for label files: pick the parser by name and content. The CLI
// (`tracehold labels import`) and `POST /v1/labels` call these and write what comes back.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { InvalidInputError } from '../errors';
import { parseLabelCsv } from './csv';
import { parseEtherscanLabels } from './etherscan';
import { ofacChainOfAsset, parseOfacList } from './ofac';
import type { LabelFormat, ParsedLabels } from './result';
import { parseTagPack, type TagPackOptions } from './tagpack';

export interface LabelTextOptions {
  /** Skip detection (e.g. from a Content-Type). */
  format?: LabelFormat;
  /** File name, used for detection and as the default `source` of CSV rows. */
  fileName?: string;
  /** Chain of an OFAC list, when the file name does not say (`sanctioned_addresses_ETH.txt` does). */
  ofacChain?: string;
  actors?: TagPackOptions['actors'];
}

const OFAC_FILE = /^sanctioned_addresses_([A-Za-z0-9]+)\.txt$/;

/** Which parser a file needs: by extension, then by its first non-blank character. */
export function detectLabelFormat(text: string, fileName = ''): LabelFormat {
  const extension = extname(fileName).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.yaml' || extension === '.yml') return 'tagpack';
  if (extension === '.json') return 'etherscan';
  if (extension === '.txt') return 'ofac';
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{')) return 'etherscan';
  if (/^(%YAML|---|[A-Za-z_]+:)/.test(head) && /^tags:/m.test(head)) return 'tagpack';
  if (/^[^\n,]*,/.test(head)) return 'csv';
  return 'ofac';
}

/** Parse label text already in memory (an HTTP body). */
export function parseLabelText(text: string, options: LabelTextOptions = {}): ParsedLabels {
  const fileName = options.fileName ?? '';
  const format = options.format ?? detectLabelFormat(text, fileName);
  switch (format) {
    case 'csv':
      return parseLabelCsv(text, fileName ? { defaultSource: basename(fileName) } : {});
    case 'tagpack':
      return parseTagPack(text, options.actors ? { actors: options.actors } : {});
    case 'etherscan':
      return parseEtherscanLabels(text);
    case 'ofac': {
      const asset = OFAC_FILE.exec(basename(fileName))?.[1];
      const chain = options.ofacChain ?? (asset === undefined ? undefined : ofacChainOfAsset(asset));
      if (chain === undefined) {
        if (asset !== undefined) return { format: 'ofac', labels: [], skipped: { [`asset ${asset.toUpperCase()}`]: countLines(text) } };
        throw new InvalidInputError(`cannot tell the chain of address list ${JSON.stringify(fileName || '(unnamed)')}: name it sanctioned_addresses_<ASSET>.txt or pass the chain`);
      }
      return parseOfacList(text, chain);
    }
  }
}

/** Read and parse one label file. */
export async function loadLabelFile(path: string, options: Omit<LabelTextOptions, 'fileName'> = {}): Promise<ParsedLabels> {
  const text = await readFile(path, 'utf8');
  return parseLabelText(text, { ...options, fileName: path });
}

function countLines(text: string): number {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.trim().startsWith('#')).length;
}
