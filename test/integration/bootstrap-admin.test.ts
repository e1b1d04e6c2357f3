// TRACEHOLD_BOOTSTRAP_ADMIN_KEY: an admin key with that value is created at start when no
// admin exists, and never when one does; only its hash is stored.
import { expect } from 'chai';
import { authenticate, bootstrapAdmin, createApiKey, hashKey } from '../../services/auth/api-keys';
import { createStore } from '../../services/store';
import { createTestDb, type TestDb } from '../support/db';

describe('bootstrap admin key', () => {
  let testDb: TestDb;
  before(async () => {
    testDb = await createTestDb();
  });
  after(async () => {
    await testDb?.drop();
  });

  it('creates the admin once, from the configured value, stored as a hash', async () => {
    const store = createStore(testDb.db);
    const key = 'bootstrap-admin-key-0123456789abcdef';
    expect(await bootstrapAdmin(store, undefined)).to.equal(false);
    expect(await bootstrapAdmin(store, key)).to.equal(true);
    expect(await authenticate(store, key)).to.include({ role: 'admin' });
    expect(await bootstrapAdmin(store, 'another-admin-key-0123456789abcdef')).to.equal(false);
    expect(await authenticate(store, 'another-admin-key-0123456789abcdef')).to.equal(null);
    const { rows } = await testDb.db.query<{ key_hash: string }>('select key_hash from api_keys');
    expect(rows.map((r) => r.key_hash)).to.deep.equal([hashKey(key)]);
  });

  it('does nothing when an admin already exists', async () => {
    const other = await createTestDb();
    try {
      const store = createStore(other.db);
      await createApiKey(store, { role: 'admin', name: 'existing' });
      expect(await bootstrapAdmin(store, 'bootstrap-admin-key-0123456789abcdef')).to.equal(false);
    } finally {
      await other.drop();
    }
  });
});
