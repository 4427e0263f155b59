// Layers: the account's layers, a layer's versions, and each version's permissions — shared
// with an account, an organization or everyone (AddLayerVersionPermission) and removed.

import {
  AddLayerVersionPermissionCommand,
  GetLayerVersionPolicyCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  RemoveLayerVersionPermissionCommand,
  type LayerVersionsListItem,
} from '@aws-sdk/client-lambda';
import { lambda } from '../api.js';
import { errorBox, field, h, loading, render, select, table } from '../dom.js';
import { go, link } from '../router.js';
import { statementRows } from '../permissionForms.js';

export async function layersPage(main: HTMLElement): Promise<void> {
  render(main, h('h1', { tabindex: -1 }, 'Layers'), loading());
  try {
    const out = await lambda().send(new ListLayersCommand({}));
    render(main, h('h1', { tabindex: -1 }, 'Layers'), table('Layers', ['Name', 'Latest version', 'Description'], (out.Layers ?? []).map((l) => [
      h('a', { href: link(['layers', l.LayerName!]) }, l.LayerName!), String(l.LatestMatchingVersion?.Version ?? ''), l.LatestMatchingVersion?.Description ?? '',
    ])));
  } catch (e) {
    render(main, h('h1', { tabindex: -1 }, 'Layers'), errorBox(e));
  }
}

export async function layerPage(main: HTMLElement, name: string): Promise<void> {
  render(main, h('h1', { tabindex: -1 }, name), loading());
  try {
    const out = await lambda().send(new ListLayerVersionsCommand({ LayerName: name }));
    const sections = await Promise.all((out.LayerVersions ?? []).map((v) => versionSection(name, v)));
    render(main, h('h1', { tabindex: -1 }, name), h('p', {}, h('a', { href: '#/layers' }, 'All layers')), ...sections);
  } catch (e) {
    render(main, h('h1', { tabindex: -1 }, name), errorBox(e));
  }
}

async function versionSection(name: string, v: LayerVersionsListItem): Promise<HTMLElement> {
  const version = v.Version!;
  const titleId = `layer-v${version}`;
  const status = h('div', { 'aria-live': 'polite' });
  let policy: string | undefined;
  try {
    policy = (await lambda().send(new GetLayerVersionPolicyCommand({ LayerName: name, VersionNumber: version }))).Policy;
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') status.append(errorBox(e));
  }
  const refresh = () => go(link(['layers', name]));
  const remove = async (sid: string) => {
    try {
      await lambda().send(new RemoveLayerVersionPermissionCommand({ LayerName: name, VersionNumber: version, StatementId: sid }));
      refresh();
    } catch (e) {
      render(status, errorBox(e));
    }
  };
  const whom = select('whom', [['account', 'An AWS account'], ['organization', 'An organization'], ['public', 'Everyone (public)']], 'account');
  const sid = h('input', { name: 'statementId', required: true, autocomplete: 'off' });
  const value = h('input', { name: 'value', autocomplete: 'off' });
  const form = h(
    'form',
    {
      'aria-label': `Add permission to version ${version}`,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        // Everyone and organizations are both Principal "*"; an organization narrows it with OrganizationId.
        const principal = whom.value === 'account' ? value.value.trim() : '*';
        try {
          await lambda().send(new AddLayerVersionPermissionCommand({
            LayerName: name, VersionNumber: version, StatementId: sid.value.trim(), Action: 'lambda:GetLayerVersion', Principal: principal,
            ...(whom.value === 'organization' ? { OrganizationId: value.value.trim() } : {}),
          }));
          refresh();
        } catch (err) {
          render(status, errorBox(err));
        }
      },
    },
    field('Share with', whom),
    field('Statement ID', sid),
    field('Account ID or organization ID', value, 'Not needed for everyone.'),
    h('button', { type: 'submit' }, 'Add permission'),
  );
  return h(
    'section',
    { 'aria-labelledby': titleId },
    h('h2', { id: titleId }, `Version ${version}`),
    h('p', {}, h('code', {}, v.LayerVersionArn!)),
    table(`Permissions of version ${version}`, ['Statement ID', 'Principal', 'Conditions', 'Action', ''], statementRows(policy).map((r) => [
      r.sid, h('code', {}, r.principal), r.conditions || '—', r.action,
      h('button', { type: 'button', class: 'danger', 'aria-label': `Remove statement ${r.sid}`, onclick: () => void remove(r.sid) }, 'Remove'),
    ])),
    form,
    status,
  );
}
