import { DEFAULT_IVR_FLOW_V1 } from './default-ivr-flow';
import { minKeyPressesToQueue, validateIvrFlow } from './ivr-flow.validator';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('validateIvrFlow', () => {
  it('accepts the default flow, which reaches a person with no key at all (GB/T 33358)', () => {
    const result = validateIvrFlow(DEFAULT_IVR_FLOW_V1);
    expect(result).toMatchObject({ ok: true, warnings: [] });
    expect(minKeyPressesToQueue(DEFAULT_IVR_FLOW_V1)).toBe(0);
    // A deep menu (two levels before a person) is measurable, so a policy check can refuse it.
    const deep = {
      start: 'm1',
      nodes: {
        m1: { type: 'menu', prompt: { tts: '一级' }, options: { '1': 'm2' }, onFailure: 'bye' },
        m2: { type: 'menu', prompt: { tts: '二级' }, options: { '1': 'q' }, onFailure: 'bye' },
        q: { type: 'queue' },
        bye: { type: 'hangup' },
      },
    };
    const parsed = validateIvrFlow(deep);
    expect(parsed.ok && minKeyPressesToQueue(parsed.flow)).toBe(2);
  });

  it('refuses a bad shape with the path of each error', () => {
    const flow = clone(DEFAULT_IVR_FLOW_V1) as unknown as { nodes: Record<string, Record<string, unknown>> };
    flow.nodes['main-menu']!.timeoutMs = 100;
    flow.nodes['main-menu']!.options = { A: 'to-agent' };
    flow.nodes['to-agent']!.type = 'teleport';
    const result = validateIvrFlow(flow);
    expect(result.ok).toBe(false);
    const paths = !result.ok ? result.issues.map((issue) => issue.path) : [];
    expect(paths).toEqual(expect.arrayContaining(['nodes.main-menu.timeoutMs', 'nodes.main-menu.options.A', 'nodes.to-agent.type']));
  });

  it('refuses references to missing nodes, naming the field', () => {
    const flow = clone(DEFAULT_IVR_FLOW_V1);
    (flow.nodes['main-menu'] as { options: Record<string, string> }).options['1'] = 'progres';
    flow.start = 'nowhere';
    const result = validateIvrFlow(flow);
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: 'start', message: 'names no node ("nowhere")' },
        { path: 'nodes.main-menu.options.1', message: 'names no node ("progres")' },
      ],
    });
  });

  it('refuses a loop that never waits for the caller, and reports unreachable nodes as warnings', () => {
    const looping = validateIvrFlow({
      start: 'a',
      nodes: { a: { type: 'play', prompt: { tts: '一' }, next: 'b' }, b: { type: 'set-tag', key: 'x', value: 'y', next: 'a' } },
    });
    expect(looping).toMatchObject({ ok: false, issues: [{ path: 'nodes.a', message: expect.stringContaining('a → b → a') }] });

    const spare = validateIvrFlow({ start: 'a', nodes: { a: { type: 'hangup' }, spare: { type: 'hangup' } } });
    expect(spare).toMatchObject({ ok: true, warnings: [{ path: 'nodes.spare', message: 'is not reachable from the start' }] });
  });

  it('fills defaults so the interpreter never guesses', () => {
    const result = validateIvrFlow({ start: 'q', nodes: { q: { type: 'queue' } } });
    expect(result).toMatchObject({ ok: true, flow: { nodes: { q: { type: 'queue', priority: 0 } } } });
  });
});
