import { Role } from '@hotline/org';
import { WorkOrderStatus as S } from './work-order.types';

/** Every command that changes a work order. */
export enum WorkOrderCommand {
  Decline = 'decline',
  Dispatch = 'dispatch',
  Sign = 'sign',
  RecordContact = 'record-contact',
  Return = 'return',
  DecideReturn = 'decide-return',
  Object = 'object',
  Arbitrate = 'arbitrate',
  RequestExtension = 'request-extension',
  DecideExtension = 'decide-extension',
  Contribute = 'contribute',
  Reply = 'reply',
  Review = 'review',
  Rate = 'rate',
  ConcludeFollowUp = 'conclude-follow-up',
  Reopen = 'reopen',
  Archive = 'archive',
  Supervise = 'supervise',
  LinkCall = 'link-call',
}

export interface CommandRule {
  from: readonly S[];
  /** Who may issue it; unit roles are further limited to their own unit's orders. */
  roles: readonly Role[];
  /** Unit roles must be the lead unit (`lead`) or a co-handler (`co`). */
  unitScope?: 'lead' | 'co';
}

const CENTRE_DESK = [Role.Agent, Role.Supervisor, Role.Reviewer] as const;
const UNIT = [Role.UnitHandler, Role.UnitAdmin] as const;

/**
 * The lifecycle as data: which status each command may start from and who may issue it. Where a command
 * leads depends on its decision (the service decides), but never on anything outside this table's `from`.
 */
export const COMMAND_RULES: Readonly<Record<WorkOrderCommand, CommandRule>> = {
  [WorkOrderCommand.Decline]: { from: [S.Accepted], roles: [Role.Agent, Role.Supervisor] },
  [WorkOrderCommand.Dispatch]: { from: [S.Accepted], roles: CENTRE_DESK },
  [WorkOrderCommand.Sign]: { from: [S.Dispatched], roles: UNIT, unitScope: 'lead' },
  [WorkOrderCommand.RecordContact]: { from: [S.Dispatched, S.Handling], roles: UNIT, unitScope: 'lead' },
  [WorkOrderCommand.Return]: { from: [S.Dispatched, S.Handling], roles: UNIT, unitScope: 'lead' },
  [WorkOrderCommand.DecideReturn]: { from: [S.Returned], roles: [Role.Supervisor, Role.Reviewer] },
  [WorkOrderCommand.Object]: { from: [S.Dispatched, S.Handling], roles: UNIT, unitScope: 'lead' },
  [WorkOrderCommand.Arbitrate]: { from: [S.InArbitration], roles: [Role.Supervisor, Role.Reviewer, Role.Admin] },
  [WorkOrderCommand.RequestExtension]: { from: [S.Handling], roles: UNIT, unitScope: 'lead' },
  [WorkOrderCommand.DecideExtension]: { from: [S.Handling], roles: [Role.Reviewer, Role.Supervisor] },
  [WorkOrderCommand.Contribute]: { from: [S.Dispatched, S.Handling], roles: UNIT, unitScope: 'co' },
  [WorkOrderCommand.Reply]: { from: [S.Handling], roles: UNIT, unitScope: 'lead' },
  [WorkOrderCommand.Review]: { from: [S.Replied], roles: [Role.Reviewer] },
  [WorkOrderCommand.Rate]: { from: [S.Closed], roles: [Role.Agent, Role.Quality, Role.Supervisor, Role.Reviewer] },
  [WorkOrderCommand.ConcludeFollowUp]: { from: [S.FollowUp], roles: [Role.Quality, Role.Supervisor, Role.Reviewer] },
  [WorkOrderCommand.Reopen]: { from: [S.FollowUp], roles: [Role.Quality, Role.Supervisor, Role.Reviewer] },
  [WorkOrderCommand.Archive]: { from: [S.Closed], roles: [Role.Reviewer, Role.Supervisor, Role.Quality] },
  [WorkOrderCommand.Supervise]: { from: [S.Dispatched, S.Returned, S.InArbitration, S.Handling, S.Replied], roles: [Role.Supervisor, Role.Reviewer] },
  [WorkOrderCommand.LinkCall]: {
    from: [S.Accepted, S.NotAccepted, S.Transferred, S.Dispatched, S.Returned, S.InArbitration, S.Handling, S.Replied, S.Closed, S.FollowUp],
    roles: [Role.Agent, Role.Supervisor, Role.Quality],
  },
};

export function allowedFrom(command: WorkOrderCommand, status: S): boolean {
  return COMMAND_RULES[command].from.includes(status);
}

/** Every command that may be issued from a status: what a client may offer as next steps. */
export function commandsFrom(status: S): WorkOrderCommand[] {
  return (Object.keys(COMMAND_RULES) as WorkOrderCommand[]).filter((command) => allowedFrom(command, status));
}
