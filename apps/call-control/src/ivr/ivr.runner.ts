import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { CallerListName, HotlineLine, IvrNode, IvrNodeOf } from '@hotline/ivr';
import { CallerProfileLoader } from '../calls/caller-profile.loader';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSession } from '../calls/call-session.registry';
import { CallChannelIo } from './call-channel.io';
import { chineseDigits } from './chinese-number';
import { ConditionEvaluator } from './condition.evaluator';
import { IvrStateStore } from './ivr-state.store';
import { LoadedFlow } from './ivr-flow.catalog';
import { PromptResolver } from './prompt.resolver';
import { PROGRESS_LOOKUP, ProgressLookupPort } from './progress-lookup.port';
import { VoiceMessageService } from './voice-message.service';
import { TransferAllowList } from '../transfers/transfer-allow-list';

/** How a call leaves the IVR. */
export type IvrExit = { kind: 'queue'; skill: string; priority: number } | { kind: 'transfer'; number: string } | { kind: 'hangup' };

export interface IvrCall {
  session: CallSession;
  io: CallChannelIo;
  line: HotlineLine;
  flow: LoadedFlow;
  vars: Record<string, string>;
  tags: Record<string, string>;
}

/** A flow may pass through at most this many nodes per call (the validator forbids input-less loops; this is the backstop). */
const MAX_STEPS = 200;

/**
 * The IVR interpreter: walks a published flow for one call, node by node, awaiting the caller through
 * CallChannelIo. Each node's outcome goes in the call's timeline, and the position is kept in Redis so a
 * restarted call-control resumes at the same node. Ends when the flow hands the call to a queue, a
 * transfer or a hangup (or the caller hangs up: CallEndedError propagates).
 */
@Injectable()
export class IvrRunner {
  private readonly logger = new Logger(IvrRunner.name);

  constructor(
    private readonly prompts: PromptResolver,
    private readonly conditions: ConditionEvaluator,
    private readonly profiles: CallerProfileLoader,
    private readonly allowList: TransferAllowList,
    private readonly state: IvrStateStore,
    private readonly messages: VoiceMessageService,
    private readonly calls: CallLogRepository,
    private readonly events: CallEventPublisher,
    @Inject(PROGRESS_LOOKUP) private readonly progress: ProgressLookupPort,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run(call: IvrCall, startAt: string = call.flow.document.start): Promise<IvrExit> {
    const callerLists = async () => (await this.profiles.of(call.session)).lists;
    let nodeId = startAt;
    for (let step = 0; step < MAX_STEPS; step += 1) {
      const node = call.flow.document.nodes[nodeId];
      if (!node) throw new Error(`IVR flow ${call.flow.name} v${call.flow.version} has no node ${nodeId}`);
      await this.state.save(call.session.callId, { flow: call.flow.name, version: call.flow.version, node: nodeId, vars: call.vars, tags: call.tags });
      const result = await this.execute(call, nodeId, node, callerLists);
      await this.record(call, nodeId, node, result.outcome);
      if ('exit' in result) {
        await this.state.clear(call.session.callId);
        return result.exit;
      }
      nodeId = result.next;
    }
    this.logger.error(`Call ${call.session.callId} passed ${MAX_STEPS} IVR nodes in flow ${call.flow.name}; sending it to an agent`);
    return { kind: 'queue', skill: call.line.skill, priority: 0 };
  }

  private async execute(
    call: IvrCall,
    id: string,
    node: IvrNode,
    callerLists: () => Promise<Set<CallerListName>>,
  ): Promise<{ next: string; outcome: string } | { exit: IvrExit; outcome: string }> {
    const { io } = call;
    switch (node.type) {
      case 'play': {
        const outcome = await io.play(await this.prompts.media(node.prompt), { interruptible: node.bargeIn });
        return { next: node.next, outcome };
      }
      case 'menu':
        return this.menu(call, node);
      case 'collect':
        return this.collect(call, node);
      case 'condition': {
        const result = await this.conditions.evaluate(node.check, {
          callerNumber: call.session.callerNumber,
          dialedNumber: call.session.dialedNumber,
          tags: call.tags,
          callId: call.session.callId,
          callerLists,
        });
        return { next: result ? node.then : node.else, outcome: result ? 'then' : 'else' };
      }
      case 'set-tag': {
        call.tags[node.key] = node.value;
        await this.calls.setTag(call.session.callId, node.key, node.value);
        const at = this.clock.now();
        const payload = { callId: call.session.callId, channelId: call.session.channelId, key: node.key, value: node.value };
        await this.calls.appendEvent(call.session.callId, 'call.tagged', at, { ...payload });
        await this.events.publish('call.tagged', at, payload);
        return { next: node.next, outcome: `${node.key}=${node.value}` };
      }
      case 'queue': {
        await io.play(await this.prompts.media(node.prompt), { interruptible: false });
        const skill = node.skill ?? call.line.skill;
        return { exit: { kind: 'queue', skill, priority: node.priority }, outcome: skill };
      }
      case 'transfer': {
        if (!(await this.allowList.numbers()).has(node.number)) {
          // Published flows were checked; the allow-list may have shrunk since. An agent takes the call instead.
          this.logger.warn(`Transfer to ${node.number} at ${id} is no longer allowed; queueing call ${call.session.callId}`);
          return { exit: { kind: 'queue', skill: call.line.skill, priority: 0 }, outcome: 'not-allowed' };
        }
        await io.play(await this.prompts.media(node.prompt), { interruptible: false });
        return { exit: { kind: 'transfer', number: node.number }, outcome: node.number };
      }
      case 'leave-message': {
        await io.play(await this.prompts.media(node.prompt), { interruptible: false });
        io.clearDigits();
        await this.messages.record(call.session, io, { maxSeconds: node.maxSeconds, beep: node.beep });
        return { next: node.next, outcome: 'recorded' };
      }
      case 'progress-lookup': {
        const number = call.vars[node.variable] ?? '';
        const found = await this.progress.lookup(number, call.session.callerNumber);
        if (!found) return { next: node.notFound, outcome: 'not-found' };
        await io.play(await this.prompts.media({ tts: `您的工单${chineseDigits(found.number)}，当前状态：${found.statusLabel}。` }), { interruptible: true });
        return { next: node.next, outcome: 'found' };
      }
      case 'hangup':
        await io.play(await this.prompts.media(node.prompt), { interruptible: false });
        return { exit: { kind: 'hangup' }, outcome: 'hangup' };
    }
  }

  private async menu(call: IvrCall, node: IvrNodeOf<'menu'>): Promise<{ next: string; outcome: string }> {
    const prompt = await this.prompts.media(node.prompt);
    const invalid = await this.prompts.media(node.invalidPrompt);
    for (let attempt = 1; ; attempt += 1) {
      await call.io.play(prompt, { interruptible: true });
      const { digits } = await call.io.readDigits({ maxDigits: 1, firstTimeoutMs: node.timeoutMs, interDigitTimeoutMs: node.timeoutMs });
      if (digits === '' && node.noInput) return { next: node.noInput, outcome: 'no-input' };
      const target = digits === '' ? undefined : node.options[digits];
      if (target) return { next: target, outcome: `key ${digits}` };
      if (attempt >= node.maxAttempts) return { next: node.onFailure, outcome: digits === '' ? 'timeout' : `invalid ${digits}` };
      await this.record(call, '(retry)', node, digits === '' ? 'timeout' : `invalid ${digits}`);
      call.io.clearDigits();
      await call.io.play(invalid, { interruptible: true });
    }
  }

  private async collect(call: IvrCall, node: IvrNodeOf<'collect'>): Promise<{ next: string; outcome: string }> {
    const prompt = await this.prompts.media(node.prompt);
    const invalid = await this.prompts.media(node.invalidPrompt);
    for (let attempt = 1; ; attempt += 1) {
      await call.io.play(prompt, { interruptible: true });
      const result = await call.io.readDigits({
        maxDigits: node.maxDigits,
        firstTimeoutMs: node.timeoutMs,
        interDigitTimeoutMs: node.interDigitTimeoutMs,
        terminator: node.terminator,
      });
      if (result.digits.length >= node.minDigits && result.digits.length <= node.maxDigits) {
        call.vars[node.variable] = result.digits;
        return { next: node.next, outcome: `${result.digits.length} digits` };
      }
      if (attempt >= node.maxAttempts) return { next: node.onFailure, outcome: result.digits === '' ? 'timeout' : 'invalid' };
      call.io.clearDigits();
      await call.io.play(invalid, { interruptible: true });
    }
  }

  private async record(call: IvrCall, nodeId: string, node: IvrNode, outcome: string): Promise<void> {
    const at = this.clock.now();
    const payload = { callId: call.session.callId, channelId: call.session.channelId, flow: call.flow.name, flowVersion: call.flow.version, nodeId, nodeType: node.type, outcome };
    await this.calls.appendEvent(call.session.callId, 'call.ivr', at, { ...payload });
    await this.events.publish('call.ivr', at, payload);
  }
}
