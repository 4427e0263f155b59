// Access: who outside the account (or its organization) can reach its functions, versions,
// aliases and layer versions, and through which statement (Latchkey's access findings).

import { latchkeyGet } from '../api.js';
import { errorBox, h, loading, render, table } from '../dom.js';

interface Finding {
  kind: string;
  principal: string;
  actions: string[];
  statement: { index: number; sid?: string };
  detail: string;
}
interface ResourceAccess {
  resource: string;
  resourceType: string;
  findings: Finding[];
}

export async function accessPage(main: HTMLElement): Promise<void> {
  render(main, h('h1', { tabindex: -1 }, 'Access'), loading());
  try {
    const { resources } = await latchkeyGet<{ resources: ResourceAccess[] }>('/_latchkey/access', 'access-analyzer');
    render(
      main,
      h('h1', { tabindex: -1 }, 'Access'),
      h('p', {}, 'Who outside this account or its organization can reach what, and the statement that lets them.'),
      resources.length === 0
        ? h('p', { class: 'empty' }, 'Nothing here can be reached from outside.')
        : resources.map((r) =>
            h('section', { class: 'finding' }, h('h2', {}, h('code', {}, r.resource), ' ', h('small', {}, r.resourceType)),
              table(`Findings for ${r.resource}`, ['Finding', 'Principal', 'Actions', 'Statement', 'Why'], r.findings.map((f) => [
                h('span', { class: `kind kind-${f.kind}` }, f.kind), h('code', {}, f.principal), f.actions.join(', '),
                f.statement.sid ? `${f.statement.sid} (#${f.statement.index})` : `#${f.statement.index}`, f.detail,
              ])))),
    );
  } catch (e) {
    render(main, h('h1', { tabindex: -1 }, 'Access'), errorBox(e));
  }
}
