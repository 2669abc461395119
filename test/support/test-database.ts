import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testEnvironment } from './test-environment';

/**
 * A throw-away database on the real server, so test files can run in parallel and leave nothing behind.
 */
export class TestDatabase {
  private constructor(readonly name: string, readonly url: string) {}

  static async create(label = 'test'): Promise<TestDatabase> {
    const name = `hotline_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
    await TestDatabase.admin(`CREATE DATABASE ${name}`);
    const url = new URL(testEnvironment.TEST_ADMIN_DATABASE_URL);
    url.pathname = `/${name}`;
    return new TestDatabase(name, url.toString());
  }

  async drop(): Promise<void> {
    await TestDatabase.admin(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
  }

  private static async admin(sql: string): Promise<void> {
    const client = new Client({ connectionString: testEnvironment.TEST_ADMIN_DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
