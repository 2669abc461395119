import { Injectable, Logger } from '@nestjs/common';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';

/** A statement runner bound to one open transaction (or to the pool, for reads outside one). */
export interface Sql {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
}

export abstract class TransactionRunner {
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  abstract run<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /** For reads that need no transaction. */
  abstract sql(): Sql;
}

/**
 * Uses the pg pool under TypeORM's DataSource directly: commands need plain row results (TypeORM reshapes
 * UPDATE results) and must hand the same connection to pg-boss so timers commit with the change.
 */
@Injectable()
export class PgTransactionRunner extends TransactionRunner {
  private readonly logger = new Logger(PgTransactionRunner.name);

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  sql(): Sql {
    const pool = this.pool();
    return { query: async (text, values) => normalise(await pool.query(text, values)) };
  }

  async run<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool().connect();
    let released = false;
    try {
      await client.query('BEGIN');
      const result = await work({ query: async (text, values) => normalise(await client.query(text, values)) });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable: drop it from the pool rather than hand it to the next request.
        this.logger.error(`Rollback failed: ${(rollbackError as Error).message}`);
        client.release(rollbackError as Error);
        released = true;
      }
      throw error;
    } finally {
      if (!released) client.release();
    }
  }
}

function normalise<R extends QueryResultRow>(result: { rows: R[]; rowCount: number | null }): { rows: R[]; rowCount: number } {
  return { rows: result.rows, rowCount: result.rowCount ?? 0 };
}
