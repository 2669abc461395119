import { DataSource, DataSourceOptions } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

export interface DatabaseTimeouts {
  queryMs: number;
  connectMs: number;
}

/**
 * The server cancels a statement at the query timeout, which leaves its connection usable; the client's own
 * bound, a second later, is for a server that no longer answers at all (a client-side timeout alone would leave
 * the connection busy with the statement, and the pool would hand it out again). TCP keep-alive finds dead peers.
 */
function boundedConnections(timeouts: DatabaseTimeouts): Record<string, unknown> {
  return { statement_timeout: timeouts.queryMs, query_timeout: timeouts.queryMs + 1_000, connectionTimeoutMillis: timeouts.connectMs, keepAlive: true };
}

/** The same connections without the query bound: for migrations (an index on a large table may take longer). */
export function withoutQueryBound(options: DataSourceOptions): DataSourceOptions {
  return { ...options, extra: { ...options.extra, statement_timeout: undefined, query_timeout: undefined } } as DataSourceOptions;
}

export function dataSourceOptions(databaseUrl: string, timeouts?: DatabaseTimeouts): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities,
    migrations,
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    extra: { max: 10, application_name: 'hotline12345', ...(timeouts && boundedConnections(timeouts)) },
  };
}

export function createDataSource(databaseUrl: string): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl));
}
