/**
 * Typed errors of the provisioning library. Callers (the CLI launcher, jest
 * global setup) branch on the class and print `message`, which is written
 * to be actionable on its own: it names the port, the command, the file.
 */

/** Base class so callers can catch everything from this library at once. */
export class ProvisioningError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Options failed validation; `issues` holds one readable line per problem. */
export class InvalidOptionsError extends ProvisioningError {
  constructor(
    readonly subject: string,
    readonly issues: readonly string[],
  ) {
    super(`Invalid ${subject}:\n  - ${issues.join('\n  - ')}`);
  }
}

/** A child process exited non-zero, was killed, or could not be spawned. */
export class CommandFailedError extends ProvisioningError {
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly signal: string | null,
    readonly outputTail: string,
    options?: { cause?: unknown; hint?: string },
  ) {
    const how = signal ? `was killed by ${signal}` : exitCode === null ? 'could not be started' : `exited with code ${exitCode}`;
    const hint = options?.hint ? `\n${options.hint}` : '';
    const tail = outputTail.trim() ? `\n--- last output ---\n${outputTail.trimEnd()}` : '';
    super(`Command \`${[command, ...args].join(' ')}\` ${how}.${hint}${tail}`, options);
  }
}

export interface MissingHostPackage {
  readonly binary: string;
  readonly aptPackage: string;
}

/** Required host tools are missing and could not (or may not) be installed. */
export class HostPackagesMissingError extends ProvisioningError {
  constructor(
    readonly missing: readonly MissingHostPackage[],
    readonly installCommand: string,
    reason: string,
  ) {
    super(
      `Missing host tools: ${missing.map((m) => `${m.binary} (package ${m.aptPackage})`).join(', ')}. ${reason}\n` +
        `Install them with:\n  ${installCommand}`,
    );
  }
}

/** debootstrap failed or produced a tree without Asterisk. */
export class ChrootBuildError extends ProvisioningError {}

/** Another process held a lock for longer than we were willing to wait. */
export class LockTimeoutError extends ProvisioningError {
  constructor(
    readonly lockPath: string,
    readonly holder: string,
    waitedMs: number,
  ) {
    super(
      `Timed out after ${Math.round(waitedMs / 1000)} s waiting for lock ${lockPath} held by ${holder}. ` +
        `If no such process is running, remove the lock directory.`,
    );
  }
}

/** A template used placeholders nobody supplied, or the values are unsafe. */
export class TemplateRenderError extends ProvisioningError {
  constructor(
    readonly template: string,
    readonly missingVariables: readonly string[],
    detail?: string,
  ) {
    super(
      detail ??
        `Template ${template} uses variable(s) with no value: ${missingVariables.map((v) => `{{${v}}}`).join(', ')}`,
    );
  }
}

/** A port an instance needs is taken by some other process. */
export class PortInUseError extends ProvisioningError {
  constructor(
    readonly port: number,
    readonly protocol: 'tcp' | 'udp',
    readonly purpose: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Port ${port}/${protocol} (${purpose}) on 127.0.0.1 is already in use. ` +
        `Stop whatever holds it (ss -lnp | grep :${port}) or configure another port.`,
      options,
    );
  }
}

/** espeak-ng/sox failed to produce a prompt. */
export class PromptGenerationError extends ProvisioningError {}

/** Asterisk exited during start-up or did not finish booting in time. */
export class AsteriskStartError extends ProvisioningError {
  constructor(
    message: string,
    readonly logPath: string,
    readonly logTail: string,
    options?: { cause?: unknown },
  ) {
    super(`${message}\n--- last lines of ${logPath} ---\n${logTail.trimEnd() || '(empty)'}`, options);
  }
}

/** Asterisk did not stop, even after SIGKILL. */
export class AsteriskStopError extends ProvisioningError {}
