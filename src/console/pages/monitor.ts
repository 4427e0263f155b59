// The Monitor tab: the function's recent log events from CloudWatch Logs (what its execution
// role delivered), and its event source mappings with their state. Both are read with the
// signed-in identity's permissions, as the AWS console does.

import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { lambda, logs } from '../api.js';
import { errorBox, h, loading, render, table } from '../dom.js';
import type { FunctionView } from './function.js';

const RECENT_MS = 60 * 60 * 1000;
const EVENTS_SHOWN = 100;

export async function monitorSection(body: HTMLElement, view: FunctionView): Promise<void> {
  const events = h('section', { 'aria-labelledby': 'events-title' }, h('h3', { id: 'events-title' }, 'Recent log events'), loading());
  const triggers = h('section', { 'aria-labelledby': 'triggers-title' }, h('h3', { id: 'triggers-title' }, 'Event source mappings'), loading());
  body.append(events, triggers);
  await Promise.all([recentEvents(events, view), mappings(triggers, view)]);
}

async function recentEvents(section: HTMLElement, view: FunctionView): Promise<void> {
  const group = view.configuration.LoggingConfig?.LogGroup ?? `/aws/lambda/${view.configuration.FunctionName}`;
  const title = h('h3', { id: 'events-title' }, 'Recent log events');
  const refresh = h('button', { type: 'button', onclick: () => void recentEvents(section, view) }, 'Refresh');
  try {
    const found = [];
    let nextToken: string | undefined;
    do {
      const page = await logs().send(new FilterLogEventsCommand({ logGroupName: group, startTime: Date.now() - RECENT_MS, nextToken }));
      found.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken && found.length < 10_000);
    const newest = found.slice(-EVENTS_SHOWN);
    render(
      section,
      title,
      h('p', {}, 'Log group ', h('code', {}, group), ', the last hour. ', refresh),
      table('Recent log events', ['Time', 'Log stream', 'Message'], newest.map((e) => [
        new Date(e.timestamp!).toISOString(), h('code', {}, e.logStreamName!), h('pre', { class: 'log' }, e.message!),
      ])),
    );
  } catch (e) {
    // No group yet (never invoked, or a role without logs permissions), or no logs:FilterLogEvents.
    const noGroup = (e as Error).name === 'ResourceNotFoundException';
    render(section, title, noGroup
      ? h('p', { class: 'empty' }, 'No log group ', h('code', {}, group), ' yet: the function has not run, or its execution role may not write logs (logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents).')
      : errorBox(e), refresh);
  }
}

async function mappings(section: HTMLElement, view: FunctionView): Promise<void> {
  const title = h('h3', { id: 'triggers-title' }, 'Event source mappings');
  try {
    const list = (await lambda().send(new ListEventSourceMappingsCommand({ FunctionName: view.id }))).EventSourceMappings ?? [];
    render(section, title, table('Event source mappings', ['Source', 'State', 'Batch size', 'Last change', 'UUID'], list.map((m) => [
      h('code', {}, m.EventSourceArn!), m.State!, String(m.BatchSize), m.StateTransitionReason ?? '—', h('code', {}, m.UUID!),
    ])));
  } catch (e) {
    render(section, title, errorBox(e));
  }
}
