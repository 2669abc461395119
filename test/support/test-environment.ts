import { z } from 'zod';
import { loadConfig, processEnvironment } from '@hotline/config';

/** Where the tests find the machine's real Postgres and Redis; override for other machines. */
const testEnvironmentSchema = z.object({
  TEST_ADMIN_DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/test'),
  TEST_REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  HOTLINE_CACHE_DIR: z.string().min(1).default(`${require('node:os').homedir()}/.cache/hotline12345`),
});

export type TestEnvironment = z.infer<typeof testEnvironmentSchema>;

export const testEnvironment: TestEnvironment = loadConfig(testEnvironmentSchema, processEnvironment());
