// Label files in, `Label[]` out. The caller writes them.
export { parseLabelCsv, parseCsvRecords, type LabelCsvOptions } from './csv';
export { parseTagPack, parseActorPack, type TagPackOptions } from './tagpack';
export { parseEtherscanLabels, type EtherscanOptions } from './etherscan';
export { parseOfacList, ofacChainOfAsset, OFAC_ENTITY } from './ofac';
export { loadLabelFile, parseLabelText, detectLabelFormat, type LabelTextOptions } from './load';
export { normalizeLabelAddress } from './address';
export { CONFIDENCE_LEVELS, categoryOfGraphSense, chainOfCurrency, parseConfidence } from './vocabulary';
export type { ImportedLabel, LabelFormat, LabelIssue, ParsedLabels } from './result';
