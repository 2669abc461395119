#!/usr/bin/env node
// `npm run bench` enters here after `node scripts/launch.js setup` has provisioned Node 24 and the
// dependencies: plain CommonJS (runs on the machine's old Node too) that starts the TypeScript runner
// (bench/run-benchmarks.ts) under the pinned Node from the same cache folder the launcher uses.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const wantedMajor = Number(fs.readFileSync(path.join(root, '.nvmrc'), 'utf8').trim());
const cacheDir = process.env.HOTLINE_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'hotline12345');
const node =
  Number(process.versions.node.split('.')[0]) === wantedMajor
    ? process.execPath
    : path.join(cacheDir, `node-${wantedMajor}`, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
const child = spawn(node, ['-r', './test/support/swc-register.js', 'bench/run-benchmarks.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: Object.assign({}, process.env, { PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH || ''}` }),
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code === null ? (signal === 'SIGINT' ? 130 : 1) : code));
