import { z } from 'zod';
import { IvrFlowDocument, IvrNode, ivrFlowDocumentSchema } from './ivr-flow.schema';

export interface IvrFlowIssue {
  /** Where in the document, e.g. "nodes.main-menu.options.1" or "start". */
  path: string;
  message: string;
}

export type IvrFlowValidation = { ok: true; flow: IvrFlowDocument; warnings: IvrFlowIssue[] } | { ok: false; issues: IvrFlowIssue[] };

/** Nodes that wait for the caller: a loop through one of them cannot spin without end. */
const WAITS_FOR_CALLER: ReadonlySet<IvrNode['type']> = new Set(['menu', 'collect', 'leave-message']);

/** Every node another node may lead to, with the field that names it. */
export function outgoing(node: IvrNode): Array<{ field: string; target: string }> {
  switch (node.type) {
    case 'play':
    case 'set-tag':
    case 'leave-message':
      return [{ field: 'next', target: node.next }];
    case 'menu':
      return [
        ...Object.entries(node.options).map(([key, target]) => ({ field: `options.${key}`, target })),
        ...(node.noInput ? [{ field: 'noInput', target: node.noInput }] : []),
        { field: 'onFailure', target: node.onFailure },
      ];
    case 'collect':
      return [
        { field: 'next', target: node.next },
        { field: 'onFailure', target: node.onFailure },
      ];
    case 'condition':
      return [
        { field: 'then', target: node.then },
        { field: 'else', target: node.else },
      ];
    case 'progress-lookup':
      return [
        { field: 'next', target: node.next },
        { field: 'notFound', target: node.notFound },
      ];
    case 'queue':
    case 'transfer':
    case 'hangup':
      return [];
  }
}

/**
 * Shape (zod) and graph: the start and every reference name an existing node, and no loop can run without
 * the caller doing something. Unreachable nodes are allowed (drafts keep spare branches) but reported.
 */
export function validateIvrFlow(raw: unknown): IvrFlowValidation {
  const parsed = ivrFlowDocumentSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
  const flow = parsed.data;
  const issues: IvrFlowIssue[] = [];
  if (!flow.nodes[flow.start]) issues.push({ path: 'start', message: `names no node ("${flow.start}")` });
  for (const [id, node] of Object.entries(flow.nodes)) {
    for (const edge of outgoing(node)) {
      if (!flow.nodes[edge.target]) issues.push({ path: `nodes.${id}.${edge.field}`, message: `names no node ("${edge.target}")` });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  const loop = loopWithoutInput(flow);
  if (loop) issues.push({ path: `nodes.${loop[0]}`, message: `loops back to itself without waiting for the caller (${loop.join(' → ')})` });
  if (issues.length > 0) return { ok: false, issues };
  const reachable = reachableFrom(flow, flow.start);
  const warnings = Object.keys(flow.nodes)
    .filter((id) => !reachable.has(id))
    .map((id) => ({ path: `nodes.${id}`, message: 'is not reachable from the start' }));
  return { ok: true, flow, warnings };
}

export function reachableFrom(flow: IvrFlowDocument, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id) || !flow.nodes[id]) continue;
    seen.add(id);
    for (const edge of outgoing(flow.nodes[id]!)) stack.push(edge.target);
  }
  return seen;
}

/**
 * Fewest keys a caller must press to reach a queue (GB/T 33358 discourages deep menus): menu options cost
 * one key, a menu's noInput path none. Conditions are open both ways (the caller may be on either side).
 * Null when no queue can be reached at all.
 */
export function minKeyPressesToQueue(flow: IvrFlowDocument, from: string = flow.start): number | null {
  const best = new Map<string, number>([[from, 0]]);
  const queue: Array<[string, number]> = [[from, 0]];
  let answer: number | null = null;
  while (queue.length > 0) {
    queue.sort((a, b) => a[1] - b[1]);
    const [id, presses] = queue.shift()!;
    const node = flow.nodes[id];
    if (!node || presses > (best.get(id) ?? Infinity)) continue;
    if (node.type === 'queue') answer = answer === null ? presses : Math.min(answer, presses);
    for (const edge of outgoing(node)) {
      const cost = presses + (node.type === 'menu' && edge.field.startsWith('options.') ? 1 : 0) + (node.type === 'collect' && edge.field === 'next' ? 1 : 0);
      if (cost < (best.get(edge.target) ?? Infinity)) {
        best.set(edge.target, cost);
        queue.push([edge.target, cost]);
      }
    }
  }
  return answer;
}

function loopWithoutInput(flow: IvrFlowDocument): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    const node = flow.nodes[id]!;
    if (WAITS_FOR_CALLER.has(node.type)) return null;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    if (state.get(id) === 'done') return null;
    state.set(id, 'visiting');
    path.push(id);
    for (const edge of outgoing(node)) {
      const found = visit(edge.target);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const id of Object.keys(flow.nodes)) {
    const found = visit(id);
    if (found) return found;
  }
  return null;
}

function zodIssues(error: z.ZodError): IvrFlowIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(document)', message: issue.message }));
}
