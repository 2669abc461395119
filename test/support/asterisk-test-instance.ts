import { findFreePorts, findFreeUdpRange, startAsteriskInstance, type AsteriskInstance } from '@hotline/provisioning';
import { processEnvironment } from '@hotline/config';
import { testEnvironment } from './test-environment';

/**
 * Starts Asterisk with the same provisioning code as `npm start`, on free ports, under a unique instance
 * name so test files (and a running `npm start`) never collide.
 */
export async function startTestAsterisk(
  name: string,
  ariApp: string,
  rtpFrom: number,
  options: { recordingsDir?: string; rtpPorts?: number } = {},
): Promise<AsteriskInstance> {
  // The pid keeps concurrent runs (a developer's and CI's, on one machine) from stopping each other's instance.
  const instanceName = `${name}-${process.pid}`;
  const rtp = await findFreeUdpRange(options.rtpPorts ?? 40, { from: rtpFrom, to: rtpFrom + 4_000 });
  // The OS hands out free ports from the ephemeral range, which can overlap the RTP range just chosen.
  let [sipPort, ariHttpPort, amiPort] = await findFreePorts(3);
  for (let attempt = 0; [sipPort, ariHttpPort, amiPort].some((port) => port! >= rtp.start && port! <= rtp.end); attempt += 1) {
    if (attempt === 20) throw new Error(`No free SIP/ARI/AMI ports outside the RTP range ${rtp.start}-${rtp.end}`);
    [sipPort, ariHttpPort, amiPort] = await findFreePorts(3);
  }
  return startAsteriskInstance({
    cacheDir: testEnvironment.HOTLINE_CACHE_DIR,
    name: instanceName,
    sipPort: sipPort!,
    ariHttpPort: ariHttpPort!,
    amiPort: amiPort!,
    rtpStart: rtp.start,
    rtpEnd: rtp.end,
    hotlineNumber: '12345',
    ariApp,
    carrierAddresses: ['127.0.0.1'],
    recordingsDir: options.recordingsDir,
    env: processEnvironment(),
    log: (line) => process.stderr.write(`[asterisk ${instanceName}] ${line}\n`),
  });
}
