import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const V1_CPU = '/sys/fs/cgroup/cpu';
const V2_ROOT = '/sys/fs/cgroup';

/**
 * Puts a process (all its threads, and those it starts later) in a CPU cgroup of its own with the default
 * weight, as each service of deploy/docker-compose.yml gets a container (and so a cgroup) of its own. Without
 * it the scheduler shares the CPU out per thread: under saturation call-control's one event-loop thread then
 * competes with each of Asterisk's hundreds of channel and bridge threads, which is a quirk of this machine,
 * not of the deployment. Returns the clean-up (the group is removed once its processes are gone).
 */
export async function ownCpuGroup(name: string, pid: number): Promise<() => Promise<void>> {
  const root = (await exists(path.join(V1_CPU, 'cgroup.procs'))) ? V1_CPU : (await cpuControllerV2()) ? V2_ROOT : null;
  if (!root) throw new Error(`--cgroups: no writable CPU cgroup hierarchy (${V1_CPU} or ${V2_ROOT} with the cpu controller)`);
  const dir = path.join(root, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'cgroup.procs'), String(pid));
  return async () => {
    try {
      await fs.rmdir(dir);
    } catch (error) {
      process.stderr.write(`[bench] cgroup ${dir} not removed: ${(error as Error).message}\n`);
    }
  };
}

async function cpuControllerV2(): Promise<boolean> {
  try {
    return (await fs.readFile(path.join(V2_ROOT, 'cgroup.controllers'), 'utf8')).split(/\s+/).includes('cpu');
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
