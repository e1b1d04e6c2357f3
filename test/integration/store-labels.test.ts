import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Label } from '../../services/domain/types';
import { InvalidInputError } from '../../services/errors';
import { type Store } from '../../services/store';
import { importLabelFiles } from '../../services/tracing/label-import';
import { DRIVERS, useTestStore } from '../support/db';

const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);

DRIVERS.forEach((driver) => {
  describe(`store: labels (${driver})`, () => {
    let store: Store;
    useTestStore(driver, (s) => (store = s));

    it('upserts and looks up labels, highest confidence first, unknown confidence last', async () => {
      const written = await store.labels.upsert([
        { chain: 'ethereum', address: A, entity: 'Binance', category: 'exchange', confidence: 60, source: 'csv' },
        { chain: 'ethereum', address: A, entity: 'Lazarus', category: 'hack', confidence: 95 },
        { chain: 'ethereum', address: A, entity: 'Someone', category: 'other' },
        { chain: 'bsc', address: A, entity: 'Elsewhere', category: 'exchange', confidence: 100 },
      ]);
      expect(written).to.equal(4);
      const found = await store.labels.lookup('ethereum', [A, B]);
      expect(found.get(A)?.map((l) => l.entity)).to.deep.equal(['Lazarus', 'Binance', 'Someone']);
      expect(found.get(B)).to.deep.equal([]);
      const binance = found.get(A)?.[1];
      expect(binance).to.include({ chain: 'ethereum', address: A, entity: 'Binance', category: 'exchange', confidence: 60, source: 'csv' });
      expect(binance?.importedAt).to.be.instanceOf(Date);
      expect(found.get(A)?.[2]).to.not.have.property('confidence');
    });

    it('a second import of the same label updates it instead of adding one; unchanged ones count 0', async () => {
      const changed = await store.labels.upsert([
        { chain: 'ethereum', address: A, entity: 'Binance', category: 'exchange', confidence: 99, source: 'tagpack' },
        { chain: 'ethereum', address: A, entity: 'Binance', category: 'exchange', confidence: 99, source: 'tagpack' },
      ]);
      expect(changed).to.equal(1);
      expect(await store.labels.upsert([{ chain: 'ethereum', address: A, entity: 'Lazarus', category: 'hack', confidence: 95 }])).to.equal(0);
      const labels = (await store.labels.lookup('ethereum', [A])).get(A) ?? [];
      expect(labels.map((l) => [l.entity, l.confidence, l.source])).to.deep.equal([
        ['Binance', 99, 'tagpack'],
        ['Lazarus', 95, undefined],
        ['Someone', undefined, undefined],
      ]);
      expect(await store.labels.count('ethereum')).to.equal(3);
      expect(await store.labels.count()).to.equal(4);
    });

    it('rejects an unknown category or a bad confidence before writing anything', async () => {
      const bad: Label[] = [
        { chain: 'ethereum', address: B, entity: 'Fine', category: 'exchange' },
        { chain: 'ethereum', address: B, entity: 'Bad', category: 'casino' as Label['category'] },
      ];
      let error: unknown;
      await store.labels.upsert(bad).catch((e) => (error = e));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as Error).message).to.match(/label 2: unknown category "casino"/);
      await store.labels
        .upsert([{ chain: 'ethereum', address: B, entity: 'X', category: 'dex', confidence: 101 }])
        .then(() => expect.fail('accepted confidence 101'), (e) => expect(e).to.be.instanceOf(InvalidInputError));
      expect((await store.labels.lookup('ethereum', [B])).get(B)).to.deep.equal([]);
    });

    it('imports 50k labels in one call', async () => {
      const labels: Label[] = Array.from({ length: 50_000 }, (_, i) => ({
        chain: 'ethereum',
        address: `0x${i.toString(16).padStart(40, '0')}`,
        entity: `entity-${i % 100}`,
        category: 'exchange',
        confidence: i % 101,
      }));
      expect(await store.labels.upsert(labels)).to.equal(50_000);
      expect(await store.labels.count('ethereum')).to.equal(50_003);
    });

    if (driver === 'pg') {
      // One real label pack can hold more labels than a call has room for arguments: collecting
      // a 160,000-label file with push(...labels) overflowed the stack.
      it('imports a 160,000-label file through the CLI path', async function () {
        this.timeout(60_000);
        const dir = await mkdtemp(join(tmpdir(), 'labels-'));
        const file = join(dir, 'pack.csv');
        const rows = Array.from({ length: 160_000 }, (_, i) => `import-test,0x${i.toString(16).padStart(40, '0')},Exchange ${i % 50},exchange`);
        await writeFile(file, ['chain,address,entity,category', ...rows].join('\n') + '\n');
        try {
          expect(await importLabelFiles(store, [file])).to.equal(160_000);
          expect(await store.labels.count('import-test')).to.equal(160_000);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    }

    // Last: its labels (another chain) would count in the tests above.
    it('looks up 25,001 addresses (several statements): every one a key, labels wherever they fall', async () => {
      const wallet = (i: number) => '0x' + (0xc0000 + i).toString(16).padStart(40, '0');
      const labelled = [0, 9_999, 10_000, 24_999];
      await store.labels.upsert(labelled.map((i) => ({ chain: 'lookup-test', address: wallet(i), entity: `E${i}`, category: 'exchange' as const })));
      const asked = [...Array.from({ length: 25_000 }, (_, i) => wallet(i)), wallet(0)];
      const found = await store.labels.lookup('lookup-test', asked);
      expect(found.size).to.equal(25_000);
      for (const i of labelled) expect(found.get(wallet(i))?.map((l) => l.entity), String(i)).to.deep.equal([`E${i}`]);
      expect(found.get(wallet(1))).to.deep.equal([]);
    });
  });
});
