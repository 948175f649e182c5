import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../backend/src/database/data-source-options';
import { migrate } from '../../backend/src/platform/database/migrate';
import { MIGRATIONS } from '../../backend/src/database/migrations';

describe('database schema', () => {
  let dataSource: DataSource;
  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(process.env.E2E_DATABASE_URL!, 2)).initialize();
    await migrate(dataSource);
  });
  afterAll(() => dataSource.destroy());

  it('is exactly what the entities describe once the migrations have run (no drift to generate)', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('applies each migration exactly once when several instances start on a fresh database at the same moment', async () => {
    const name = `chatflow_migrate_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: process.env.E2E_ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.E2E_ADMIN_DATABASE_URL!);
    url.pathname = `/${name}`;
    const instances = await Promise.all([1, 2, 3].map(() => new DataSource(dataSourceOptions(url.toString(), 1)).initialize()));
    try {
      const applied = await Promise.all(instances.map((ds) => migrate(ds)));
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
      const pending = await instances[0].driver.createSchemaBuilder().log();
      expect(pending.upQueries).toEqual([]);
    } finally {
      await Promise.all(instances.map((ds) => ds.destroy()));
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
