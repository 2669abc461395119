/**
 * The apps validate their configuration once, at start-up: a missing or malformed variable stops the process
 * before it connects to anything, with a message naming each variable and the rule it broke.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const register = path.join(root, 'test', 'support', 'swc-register.js');

function runApp(app: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', register, path.join(root, 'apps', app, 'src', 'main.ts')], {
      cwd: root,
      env: { PATH: '/usr/bin:/bin', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const malformed = {
  DATABASE_URL: 'mysql://somewhere/db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ARI_URL: 'http://127.0.0.1:8088',
  ARI_USERNAME: 'hotline',
  ARI_PASSWORD: 'short',
  API_PORT: 'eighty',
};

describe.each(['call-control', 'api'])('%s start-up with a bad configuration', (app) => {
  it('exits non-zero naming every bad or missing variable, before connecting to anything', async () => {
    const { code, output } = await runApp(app, malformed);
    expect(code).toBe(1);
    expect(output).toContain('Invalid configuration');
    expect(output).toMatch(/DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\/ \(invalid value\)/);
    expect(output).toMatch(/ARI_PASSWORD: must be at least 12 characters \(invalid value\)/);
    expect(output).toMatch(/AMI_USERNAME: .*\(not set\)/);
    expect(output).toMatch(/AMI_PASSWORD: .*\(not set\)/);
    expect(output).toMatch(/API_PORT: .*\(invalid value\)/);
    // Nothing was attempted: no connection errors, only the refusal.
    expect(output).not.toMatch(/ECONNREFUSED|Connected|Listening/);
  }, 30_000);
});
