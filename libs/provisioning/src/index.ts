// Public API of @hotline/provisioning: everything the launcher and the
// telephony tests need to get a running Asterisk 22 in a Debian sid chroot.
export { startAsteriskInstance, INSTANCES_DIR_IN_CHROOT, type AsteriskInstance } from './asterisk-instance.runner';
export { validateStartOptions, type StartAsteriskInstanceOptions } from './asterisk-instance.options';
export {
  ensureAsteriskChroot,
  prepareChrootForRun,
  chrootCacheKey,
  chrootDirFor,
  DEFAULT_CHROOT_SPEC,
  type ChrootSpec,
  type EnsureAsteriskChrootOptions,
} from './asterisk-chroot.builder';
export { renderAsteriskConfig, findDefaultTemplatesDir, type RenderAsteriskConfigOptions } from './asterisk-config.renderer';
export { renderTemplate, templateVariables, type TemplateVariables } from './template.renderer';
export { ensurePrompts, promptHash, PROMPTS_DIR_IN_CHROOT, type EnsurePromptsOptions, type EnsurePromptsResult } from './prompt.generator';
export { HOTLINE_PROMPTS, type PromptDefinition } from './hotline-prompts.catalog';
export { ensureHostPackages, DEFAULT_HOST_REQUIREMENTS, type HostRequirement, type EnsureHostPackagesOptions } from './host-packages.installer';
export { assertPortsFree, findFreePorts, findFreeUdpRange, type PortClaim } from './port-availability.checker';
export { spawnCommand, type CommandRunner, type CommandSpec, type CommandResult } from './command.runner';
export { withFileLock, type FileLockOptions } from './file.lock';
export { DEFAULT_HOST_ENV, type HostEnv, type ProvisioningLog } from './provisioning.types';
export * from './provisioning.errors';
export { telephonyEnvironment, type TelephonyEndpoint } from './telephony-environment';
