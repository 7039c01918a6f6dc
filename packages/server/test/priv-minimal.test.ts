import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

/**
 * PRIV-MINIMAL: for people other than Administrators, SPEC.md allows display name, email and password
 * hash (non-SSO) as stored personal data; Administrators may also have first and last name,
 * telephone, address and company. The user record holds nothing else but what the product needs to
 * work: ids, the role, directory and access flags, and when it was made.
 */
const PERSONAL = ['display_name', 'email', 'password_hash'];
const TECHNICAL = ['id', 'organisation_id', 'role', 'hidden', 'revoked_at', 'created_at'];

describeEachDatabase('PRIV-MINIMAL: what is stored about a person', (kind) => {
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase(kind);
  });
  after(() => database?.close());

  test('PRIV-MINIMAL: the user record holds only display name, email and password hash as personal data', async () => {
    const tables = await database.db.introspection.getTables();
    const users = tables.find((t) => t.name === 'users');
    assert.ok(users, 'a users table');
    const columns = users.columns.map((c) => c.name).sort();
    assert.deepEqual(
      columns,
      [...PERSONAL, ...TECHNICAL].sort(),
      'a new column about people needs SPEC.md to allow it',
    );
    // Whatever else refers to a person does so by id only, never by copying their data.
    for (const table of tables.filter((t) => ['sessions', 'trusted_devices', 'meetings'].includes(t.name))) {
      const copied = table.columns
        .map((c) => c.name)
        .filter((c) => ['email', 'display_name', 'password_hash'].includes(c));
      assert.deepEqual(copied, [], `${table.name} copies none of it`);
    }
  });
});
