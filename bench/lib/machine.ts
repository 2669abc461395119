import { execFileSync } from 'node:child_process';
import * as os from 'node:os';

/** What the figures were measured on: nproc, CPU model, RAM, kernel, and the load at that moment. */
export interface MachineDescription {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  uptime: string;
  loadAverage: [number, number, number];
}

export function describeMachine(): MachineDescription {
  return {
    nproc: Number(command('nproc', [])) || os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    uptime: command('uptime', []),
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100) as [number, number, number],
  };
}

export function machineMarkdown(machine: MachineDescription): string {
  return [
    '| machine | |',
    '| --- | --- |',
    `| nproc | ${machine.nproc} |`,
    `| CPU | ${machine.cpuModel} |`,
    `| RAM | ${machine.memoryGiB} GiB |`,
    `| kernel | ${machine.kernel} |`,
    `| Node | ${machine.node} |`,
    `| load (uptime) | \`${machine.uptime}\` |`,
  ].join('\n');
}

function command(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8' }).trim();
  } catch (error) {
    return `(${file} failed: ${(error as Error).message})`;
  }
}
