// Checks the deployment (docker-compose.yml, deploy/, .dockerignore) without a Docker engine: what
// the apps' config schema needs is wired in, secrets are never committed, nothing private is exposed,
// the images are built from what exists, and the Asterisk entrypoint renders the real templates.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { appConfigSchema, loadConfig } from '@hotline/config';
import { HOTLINE_PROMPTS } from '@hotline/provisioning';
import {
  COMPOSE_FILE, ROOT, contextCopySources, dockerIgnores, dockerfileStages, environmentOf, envOfStages, loadCompose,
  placeholders, publishedPorts, readText, renderTemplates, stageChain, variableReferences, type Env,
} from './deploy-files';

const APPS = ['api', 'call-control'] as const;
const TEMPLATE_DIR = path.join(ROOT, 'asterisk/templates');
const templateFiles = readdirSync(TEMPLATE_DIR).filter((name) => name.endsWith('.conf')).sort();
const composeText = readFileSync(COMPOSE_FILE, 'utf8');

// What an operator must set: every `${VAR:?}` of the compose file, given a URL-safe test value.
const requiredByCompose = [...new Set(variableReferences(composeText).filter((r) => r.operator.endsWith('?')).map((r) => r.name))];
const operatorEnv: Env = Object.fromEntries(requiredByCompose.map((name) => [name, `${name.toLowerCase()}-test-0123456789`]));
const compose = loadCompose(operatorEnv);
const service = (name: string) => compose.services[name] ?? { environment: {} };

const asteriskStages = dockerfileStages(readText('deploy/asterisk/Dockerfile'));
const nodeStages = dockerfileStages(readText('deploy/node/Dockerfile'));
// The Asterisk container's environment: the image's ENV overlaid with the compose service's.
const asteriskEnv: Env = { ...envOfStages(stageChain(asteriskStages)), ...environmentOf(service('asterisk')) };

const tempDirs: string[] = [];
const render = (templateDir: string, env: Env) => {
  const result = renderTemplates(templateDir, env);
  tempDirs.push(path.dirname(result.confDir));
  return result;
};
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/;
// The real templates rendered with the compose environment (rendered once, on first use).
let renderedWithCompose: ReturnType<typeof render> | undefined;
const renderedConf = (file: string) => {
  renderedWithCompose ??= render(TEMPLATE_DIR, asteriskEnv);
  if (renderedWithCompose.status !== 0) throw new Error(`entrypoint could not render: ${renderedWithCompose.stderr}`);
  return readFileSync(path.join(renderedWithCompose.confDir, file), 'utf8');
};
/** Every value of `key = value` (or `=>`) lines in a rendered file, and its [section] names. */
const confValues = (file: string, key: string) =>
  [...renderedConf(file).matchAll(new RegExp(`^\\s*${key}\\s*=>?\\s*(.*?)\\s*$`, 'gm'))].map((m) => m[1]);
const confSections = (file: string) => [...renderedConf(file).matchAll(/^\[([^\]]+)\]/gm)].map((m) => m[1]);
const bindaddr = (file: string) => confValues(file, 'bindaddr')[0];

describe('docker-compose.yml', () => {
  it('defines postgres, redis, asterisk, api and call-control, each restarted after a crash', () => {
    for (const name of ['postgres', 'redis', 'asterisk', ...APPS]) {
      expect(compose.services).toHaveProperty([name]);
      expect(service(name).restart).toMatch(/^(always|unless-stopped|on-failure)/);
    }
  });

  it('gives api and call-control every variable appConfigSchema requires, valid for the schema', () => {
    // Required = no value for undefined (no default, not optional), read from the schema itself.
    const required = Object.entries(appConfigSchema.shape)
      .filter(([, field]) => !field.safeParse(undefined).success)
      .map(([key]) => key);
    expect(required).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'ARI_URL', 'ARI_PASSWORD', 'AMI_PASSWORD']));
    for (const app of APPS) {
      const env = environmentOf(service(app));
      for (const key of required) expect({ app, key, value: env[key] ?? '' }).toEqual({ app, key, value: expect.stringMatching(/\S/) });
      // The whole schema, as the app loads it: URL formats, secret lengths, rules for NODE_ENV=production.
      expect(() => loadConfig(appConfigSchema, env)).not.toThrow();
    }
  });

  it('gives api and call-control identical ARI, AMI, database and Redis settings', () => {
    const shared = (app: string) =>
      Object.fromEntries(Object.entries(environmentOf(service(app))).filter(([key]) => /^(ARI|AMI|DATABASE|REDIS)_/.test(key)));
    expect(shared('api')).toEqual(shared('call-control'));
  });

  it('points the apps at the Postgres, Redis and Asterisk it configures', () => {
    const app = environmentOf(service('api'));
    const postgres = environmentOf(service('postgres'));
    const database = new URL(app.DATABASE_URL as string);
    expect([database.username, database.password, database.pathname]).toEqual([
      postgres.POSTGRES_USER, postgres.POSTGRES_PASSWORD, `/${postgres.POSTGRES_DB}`,
    ]);
    expect(publishedPorts(service('postgres'))).toContainEqual({ hostIp: database.hostname, published: database.port, targets: [5432] });
    const redis = new URL(app.REDIS_URL as string);
    expect(redis.password).toBe(environmentOf(service('redis')).REDISCLI_AUTH);
    expect(publishedPorts(service('redis'))).toContainEqual({ hostIp: redis.hostname, published: redis.port, targets: [6379] });
    // The apps must dial the addresses Asterisk binds ARI and AMI to; a loopback bind is reachable only
    // from the same network namespace (host networking for all, or joining the asterisk service's).
    const ariHost = new URL(app.ARI_URL as string).hostname;
    const amiHost = app.AMI_HOST as string;
    const reaches = (host: string, file: string) => ['0.0.0.0', '::', host].includes(bindaddr(file) ?? '0.0.0.0');
    expect({ ariHost, bound: bindaddr('http.conf'), reaches: reaches(ariHost, 'http.conf') }).toMatchObject({ reaches: true });
    expect({ amiHost, bound: bindaddr('manager.conf'), reaches: reaches(amiHost, 'manager.conf') }).toMatchObject({ reaches: true });
    if (LOOPBACK.test(ariHost) || LOOPBACK.test(amiHost)) {
      const asteriskMode = service('asterisk').network_mode;
      for (const name of APPS) {
        const mode = service(name).network_mode;
        expect({ name, sharesLoopback: (mode === 'host' && asteriskMode === 'host') || mode === 'service:asterisk' })
          .toEqual({ name, sharesLoopback: true });
      }
    }
    // The credentials and ports Asterisk ends up with, read from its rendered config.
    expect(confSections('ari.conf')).toContain(app.ARI_USERNAME);
    expect(confValues('ari.conf', 'password')).toContain(app.ARI_PASSWORD);
    expect(confValues('http.conf', 'bindport')).toEqual([new URL(app.ARI_URL as string).port]);
    expect(confSections('manager.conf')).toContain(app.AMI_USERNAME);
    expect(confValues('manager.conf', 'secret')).toContain(app.AMI_PASSWORD);
    expect(confValues('manager.conf', 'port')).toEqual([app.AMI_PORT]);
    for (const key of ['ARI_APP', 'HOTLINE_NUMBER']) expect({ key, value: asteriskEnv[key] }).toEqual({ key, value: app[key] });
  });

  it('takes every secret from the environment, required with ${VAR:?}, never a committed value', () => {
    const secretVariables = [...new Set(variableReferences(composeText).map((r) => r.name))].filter((n) => /PASSWORD|SECRET/.test(n));
    expect(secretVariables.length).toBeGreaterThan(0);
    for (const name of secretVariables) {
      const operators = variableReferences(composeText).filter((r) => r.name === name).map((r) => r.operator);
      expect({ name, required: operators.some((o) => o.endsWith('?')), defaulted: operators.some((o) => o.endsWith('-')) })
        .toEqual({ name, required: true, defaulted: false });
    }
    const raw = loadCompose();
    for (const [name, definition] of Object.entries(raw.services)) {
      for (const [key, value] of Object.entries(environmentOf(definition))) {
        if (/PASSWORD|SECRET|AUTH/.test(key)) expect({ name, key, value }).toEqual({ name, key, value: expect.stringMatching(/^\$\{/) });
      }
    }
    // Operators keep them in .env beside the compose file: it must never be committed.
    expect(readText('.gitignore').split('\n').map((line) => line.trim())).toContain('.env');
  });

  it('health-checks Postgres and Redis, and starts the apps only once all backends are healthy', () => {
    for (const name of ['postgres', 'redis']) {
      expect(service(name).healthcheck?.disable).not.toBe(true);
      expect(service(name).healthcheck?.test?.length).toBeGreaterThan(0);
    }
    for (const app of APPS) {
      const dependsOn = service(app).depends_on as Record<string, { condition?: string }>;
      for (const backend of ['postgres', 'redis', 'asterisk']) expect(dependsOn?.[backend]?.condition).toBe('service_healthy');
    }
    // service_healthy never resolves for a service without a health check (compose's or its image's).
    const asteriskImage = stageChain(asteriskStages).flatMap((stage) => stage.instructions);
    expect(asteriskImage.find((i) => i.keyword === 'HEALTHCHECK')?.args).toMatch(/asterisk .*-rx "core waitfullybooted"/);
  });

  it('never publishes ARI or AMI, nor any private port, beyond loopback', () => {
    const ariPort = Number(asteriskEnv.ARI_HTTP_PORT);
    const amiPort = Number(asteriskEnv.AMI_PORT);
    for (const [name, definition] of Object.entries(compose.services)) {
      for (const port of publishedPorts(definition)) {
        // Only the api's own port may face the network; everything else is for processes on this host.
        const apiPort = name === 'api' && port.targets.includes(Number(environmentOf(definition).API_PORT ?? 3000));
        if (!apiPort) expect({ name, hostIp: port.hostIp }).toEqual({ name, hostIp: expect.stringMatching(LOOPBACK) });
        expect({ name, ari: port.targets.includes(ariPort) && !LOOPBACK.test(port.hostIp) }).toEqual({ name, ari: false });
        expect({ name, ami: port.targets.includes(amiPort) && !LOOPBACK.test(port.hostIp) }).toEqual({ name, ami: false });
      }
    }
    // On the host's network, Asterisk's own bind addresses decide the exposure: they must be loopback.
    if (service('asterisk').network_mode === 'host') {
      for (const file of ['http.conf', 'manager.conf']) {
        expect({ file, bindaddr: bindaddr(file) }).toEqual({ file, bindaddr: expect.stringMatching(LOOPBACK) });
      }
    }
  });

  it('builds only from Dockerfiles and targets that exist', () => {
    const builds = Object.values(compose.services).filter((definition) => definition.build);
    expect(builds.length).toBeGreaterThanOrEqual(3);
    for (const { build } of builds) {
      const dockerfile = path.join(ROOT, build?.context ?? '.', build?.dockerfile ?? 'Dockerfile');
      expect({ dockerfile, exists: existsSync(dockerfile) }).toEqual({ dockerfile, exists: true });
      if (build?.target) expect(dockerfileStages(readFileSync(dockerfile, 'utf8')).map((s) => s.name)).toContain(build.target);
    }
  });

  const composeCli = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  const cliMissing = composeCli.status === 0 ? undefined : (composeCli.error?.message ?? composeCli.stderr.trim().split('\n')[0]);
  if (cliMissing) console.warn(`Skipping "docker compose config -q": the compose CLI is not available here (${cliMissing}).`);
  (cliMissing ? it.skip : it)('is accepted by `docker compose config -q` (offline, no engine needed)', () => {
    const result = spawnSync('docker', ['compose', '-f', COMPOSE_FILE, 'config', '-q'], {
      encoding: 'utf8',
      env: { ...process.env, ...operatorEnv },
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });
});

describe('deploy/asterisk', () => {
  it('is Debian sid with Asterisk 22 packages, run as the package user, with a boot health check', () => {
    expect(asteriskStages[0]?.image).toBe('debian:sid-slim');
    const runtime = stageChain(asteriskStages).flatMap((stage) => stage.instructions);
    const install = runtime.find((i) => i.keyword === 'RUN' && /apt-get install/.test(i.args))?.args.split(/\s+/) ?? [];
    expect(install).toEqual(expect.arrayContaining(['--no-install-recommends', 'asterisk', 'asterisk-modules', 'asterisk-core-sounds-en']));
    expect(runtime.filter((i) => i.keyword === 'USER').at(-1)?.args).toBe('asterisk');
    expect(runtime.find((i) => i.keyword === 'ENTRYPOINT')?.args).toMatch(/asterisk-entrypoint/);
  });

  it('copies every template, and the container environment provides every {{VAR}} they use', () => {
    expect(templateFiles.length).toBeGreaterThan(0);
    expect(contextCopySources(stageChain(asteriskStages)).map((source) => source.replace(/\/$/, ''))).toContain('asterisk/templates');
    for (const file of templateFiles) expect({ file, ignored: dockerIgnores(`asterisk/templates/${file}`) }).toEqual({ file, ignored: false });
    for (const file of templateFiles) {
      for (const name of placeholders(readFileSync(path.join(TEMPLATE_DIR, file), 'utf8'))) {
        expect({ file, name, provided: (asteriskEnv[name] ?? '') !== '' }).toEqual({ file, name, provided: true });
      }
    }
  });

  it('bakes exactly the prompts the product plays (libs/provisioning HOTLINE_PROMPTS)', () => {
    const baked = readText('deploy/asterisk/prompts.tsv')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => ({ name: line.split('\t')[0], text: line.split('\t').slice(1).join('\t') }));
    expect(baked).toEqual(HOTLINE_PROMPTS.map(({ name, text }) => ({ name, text })));
    const copies = asteriskStages.flatMap((stage) => stage.instructions).filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toContainEqual(expect.stringMatching(/--from=prompts .* \/usr\/share\/asterisk\/sounds\/zh\/hotline\/?$/));
  });

  const synthesisTools = ['espeak-ng', 'sox'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (synthesisTools.length > 0) console.warn(`Skipping the prompt synthesis check: ${synthesisTools.join(', ')} not installed.`);
  (synthesisTools.length > 0 ? it.skip : it)('make-prompts.sh writes 8 kHz mono 16-bit WAVs, one per prompt', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'hotline-deploy-prompts-'));
    tempDirs.push(out);
    const result = spawnSync('sh', [path.join(ROOT, 'deploy/asterisk/make-prompts.sh'), path.join(ROOT, 'deploy/asterisk/prompts.tsv'), out], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(HOTLINE_PROMPTS.map((p) => `${p.name}.wav`).sort());
    for (const file of readdirSync(out)) {
      const wav = readFileSync(path.join(out, file));
      const fmt = wav.indexOf('fmt ');
      expect({ file, channels: wav.readUInt16LE(fmt + 10), rate: wav.readUInt32LE(fmt + 12), bits: wav.readUInt16LE(fmt + 22) })
        .toEqual({ file, channels: 1, rate: 8000, bits: 16 });
    }
  }, 60_000);
});

describe('deploy/asterisk/entrypoint.sh (RENDER_ONLY=1)', () => {
  it('renders every template with the compose environment, leaving no placeholder, owner-only', () => {
    const result = render(TEMPLATE_DIR, asteriskEnv);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readdirSync(result.confDir).sort()).toEqual(templateFiles);
    for (const file of templateFiles) {
      const rendered = path.join(result.confDir, file);
      expect({ file, leftover: readFileSync(rendered, 'utf8').includes('{{') }).toEqual({ file, leftover: false });
      expect({ file, mode: statSync(rendered).mode & 0o777 }).toEqual({ file, mode: 0o600 });
    }
  });

  const secrets = [...new Set(templateFiles.flatMap((f) => placeholders(readFileSync(path.join(TEMPLATE_DIR, f), 'utf8'))))]
    .filter((name) => /PASSWORD|SECRET/.test(name));
  it.each(secrets)('refuses to start without %s, naming it, and writes nothing', (secret) => {
    const result = render(TEMPLATE_DIR, { ...asteriskEnv, [secret]: '' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`${secret} is not set`);
    expect(existsSync(result.confDir)).toBe(false);
  });

  describe('with a scratch template', () => {
    const scratch = (text: string) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'hotline-deploy-templates-'));
      tempDirs.push(dir);
      writeFileSync(path.join(dir, 'test.conf'), text);
      return dir;
    };

    it('inserts values verbatim, even characters special to sed', () => {
      const value = String.raw`p&a/s\s|w$rd#1{x}`;
      const result = render(scratch('password = {{ SECRET_VALUE }}\nagain={{SECRET_VALUE}}\n'), { SECRET_VALUE: value });
      expect(result.status).toBe(0);
      expect(readFileSync(path.join(result.confDir, 'test.conf'), 'utf8')).toBe(`password = ${value}\nagain=${value}\n`);
    });

    it('refuses a value with a line break, which would inject config lines', () => {
      const result = render(scratch('secret = {{AMI_SECRET}}\n'), { AMI_SECRET: 'x\npermit=0.0.0.0/0' });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('AMI_SECRET contains a line break');
    });

    it('refuses malformed and unclosed placeholders', () => {
      expect(render(scratch('a = {{lower}}\n'), {}).stderr).toContain('malformed placeholder {{lower}}');
      const unclosed = render(scratch('a = {{OOPS\n'), {});
      expect(unclosed.status).not.toBe(0);
      expect(unclosed.stderr).toContain('placeholders left in: test.conf');
    });
  });
});

describe('deploy/node/Dockerfile', () => {
  it('builds and runs on Node 24, as the unprivileged node user, in production mode', () => {
    const stageNames = new Set(nodeStages.map((stage) => stage.name));
    for (const stage of nodeStages) if (!stageNames.has(stage.image)) expect(stage.image).toMatch(/^node:24([.-]|$)/);
    const build = stageChain(nodeStages, 'build').flatMap((stage) => stage.instructions.map((i) => i.args)).join('\n');
    expect(build).toMatch(/npm ci/);
    expect(build).toMatch(/swc apps libs -d dist/);
    expect(build).toMatch(/vite build --config apps\/web\/vite\.config\.ts/);
    for (const app of APPS) {
      const chain = stageChain(nodeStages, app).flatMap((stage) => stage.instructions);
      expect(chain.find((i) => i.keyword === 'RUN' && /npm ci/.test(i.args))?.args).toMatch(/--omit=dev/);
      expect(chain.filter((i) => i.keyword === 'USER').at(-1)?.args).toBe('node');
      expect(envOfStages(stageChain(nodeStages, app)).NODE_ENV).toBe('production');
    }
  });

  it.each(APPS)('has a target named %s that starts that app', (app) => {
    const chain = stageChain(nodeStages, app).flatMap((stage) => stage.instructions);
    expect(chain.filter((i) => i.keyword === 'CMD').at(-1)?.args).toBe(`["node", "dist/apps/${app}/src/main.js"]`);
    expect(existsSync(path.join(ROOT, `apps/${app}/src/main.ts`))).toBe(true);
    const healthcheck = chain.find((i) => i.keyword === 'HEALTHCHECK');
    if (app === 'api') expect(healthcheck?.args).toMatch(/healthcheck\.js/);
    if (app === 'api') expect(readText('deploy/node/healthcheck.js')).toContain('/api/health');
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, history and secrets out, but not what the images copy', () => {
    for (const file of ['node_modules/x/index.js', 'apps/api/node_modules/x.js', 'dist/web/index.html', '.git/HEAD', '.env', 'test/deploy/compose.spec.ts']) {
      expect({ file, ignored: dockerIgnores(file) }).toEqual({ file, ignored: true });
    }
    for (const file of ['package.json', 'package-lock.json', 'apps/api/src/main.ts', 'libs/config/src/index.ts', 'deploy/node/healthcheck.js', 'deploy/asterisk/entrypoint.sh', 'deploy/asterisk/prompts.tsv']) {
      expect({ file, ignored: dockerIgnores(file) }).toEqual({ file, ignored: false });
    }
  });
});

// The templates bind SIP and media to 127.0.0.1 (fine for the dev chroot): no carrier can reach them.
it.todo('asterisk/templates/pjsip.conf: SIP bind and media address come from variables, so the carrier can reach the container');
