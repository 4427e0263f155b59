// The event an Amazon EventBridge rule sends its target function.

import { isoSeconds, type EventEnv } from './formats.js';

export interface EventBridgeInput {
  account: string;
  source: string;
  detailType: string;
  detail: unknown;
  resources?: string[];
}

export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export function eventBridgeEvent(env: EventEnv, i: EventBridgeInput): EventBridgeEvent {
  return {
    version: '0',
    id: env.id(),
    'detail-type': i.detailType,
    source: i.source,
    account: i.account,
    time: isoSeconds(env.now),
    region: env.region,
    resources: i.resources ?? [],
    detail: i.detail ?? {},
  };
}
