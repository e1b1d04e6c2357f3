// Label files into the shared label table: parsed in full first (a bad row rejects the
// file and writes nothing), then written in bulk.
import { appendAll } from '../domain/arrays';
import { loadLabelFile } from '../labels';
import type { Label } from '../domain/types';
import type { Store } from '../store';

export async function importLabelFiles(store: Store, paths: string[]): Promise<number> {
  const all: Label[] = [];
  for (const path of paths) appendAll(all, (await loadLabelFile(path)).labels);
  return store.labels.upsert(all);
}

export async function importLabels(store: Store, labels: Label[]): Promise<number> {
  return store.labels.upsert(labels);
}
