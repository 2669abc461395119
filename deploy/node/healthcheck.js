// Docker HEALTHCHECK of the api image: healthy when GET /api/health answers 2xx, i.e. when the api is up
// and reaches Postgres, Redis, ARI and AMI. Plain JavaScript: the runtime image has no curl or wget.
'use strict';
const configured = process.env.API_HOST || '127.0.0.1';
// A wildcard bind is reachable on loopback; a specific address must be asked on that address.
const host = ['0.0.0.0', '::'].includes(configured) ? '127.0.0.1' : configured;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${process.env.API_PORT || 3000}/api/health`;

fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
