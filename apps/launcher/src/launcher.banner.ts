export interface BannerFacts {
  webUrl: string;
  postgres: string;
  redis: string;
  asterisk: { sipPort: number; ariUrl: string; amiPort: number; managed: boolean };
  hotlineNumber: string;
  demoLogins: Array<{ username: string; password: string; role: string }>;
  elapsedSeconds: number;
}

/** What a person needs after `npm start`: where things are, how to log in, how to place a call. */
export function renderBanner(facts: BannerFacts): string {
  const logins = facts.demoLogins.length
    ? facts.demoLogins.map((login) => `     ${login.username.padEnd(18)} ${login.password.padEnd(12)} ${login.role}`).join('\n')
    : '     (no demo users yet)';
  return [
    '',
    `\x1b[32m  12345 hotline is up\x1b[0m (${facts.elapsedSeconds.toFixed(1)} s)`,
    '',
    `  Web (system status):  ${facts.webUrl}`,
    `  API docs (OpenAPI):   ${facts.webUrl}api/docs`,
    `  Health:               ${facts.webUrl}api/health`,
    `  Postgres:             ${facts.postgres}`,
    `  Redis:                ${facts.redis}`,
    `  Asterisk:             SIP udp 127.0.0.1:${facts.asterisk.sipPort}, ARI ${facts.asterisk.ariUrl}, AMI 127.0.0.1:${facts.asterisk.amiPort}` +
      (facts.asterisk.managed ? ' (started by npm start, loopback only)' : ' (existing server)'),
    '',
    '  Demo logins (username / password / role), e.g. POST /api/auth/login:',
    logins,
    '',
    `  Place a test call to ${facts.hotlineNumber} with SIPp (hears the IVR menu, presses 1 for progress lookup, keys 4 7):`,
    `     sipp 127.0.0.1:${facts.asterisk.sipPort} -sf scripts/sipp/demo-call.xml -s ${facts.hotlineNumber} -m 1 -p 5070 -mp 16000 -timeout 60s`,
    '  Or a softphone on this machine: SIP server 127.0.0.1, port ' + facts.asterisk.sipPort + ', UDP, no registration',
    `     (calls from 127.0.0.1 count as the carrier), codec PCMA or PCMU, DTMF RFC 2833, dial ${facts.hotlineNumber}.`,
    '',
    '  Ctrl-C stops everything that npm start started, Asterisk included.',
    '',
  ].join('\n');
}
