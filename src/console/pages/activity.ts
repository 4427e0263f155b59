// Activity: Latchkey's decision log for this account, filtered by principal, action and
// decision; a denied call opens its explanation.

import { latchkeyGet } from '../api.js';
import { errorBox, field, h, loading, render, select, table } from '../dom.js';
import { go, link } from '../router.js';

interface Decision {
  at: string;
  requestId: string;
  via?: string;
  caller: string;
  action: string;
  resource: string;
  decision: string;
  text: string;
}

export async function activityPage(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const principal = h('input', { name: 'principal', value: params.get('principal') ?? '', autocomplete: 'off' });
  const action = h('input', { name: 'action', value: params.get('action') ?? '', autocomplete: 'off' });
  const decision = select('decision', [['', 'Any'], ['Allow', 'Allowed'], ['ExplicitDeny', 'Denied explicitly'], ['ImplicitDeny', 'Denied implicitly']], params.get('decision') ?? '');
  const list = h('div', {}, loading());
  const explanation = h('div', { 'aria-live': 'polite' });
  render(
    main,
    h('h1', { tabindex: -1 }, 'Activity'),
    h('form', { role: 'search', class: 'filters', onsubmit: (e: Event) => { e.preventDefault(); go(link(['activity'], { principal: principal.value.trim(), action: action.value.trim(), decision: decision.value })); } },
      field('Principal contains', principal), field('Action contains', action), field('Decision', decision), h('button', { type: 'submit' }, 'Filter')),
    list,
    explanation,
  );
  try {
    const query = new URLSearchParams(Object.entries({ principal: principal.value, action: action.value, decision: decision.value }).filter(([, v]) => v)).toString();
    const { decisions } = await latchkeyGet<{ decisions: Decision[] }>(`/_latchkey/decisions${query ? `?${query}` : ''}`, 'cloudtrail');
    render(list, table('Decisions, newest first', ['Time', 'Via', 'Principal', 'Action', 'Resource', 'Decision'], decisions.map((d) => [
      d.at, d.via ?? 'api', h('code', {}, d.caller), d.action, h('code', {}, d.resource),
      d.decision === 'Allow' ? 'Allowed' : h('button', { type: 'button', class: 'link', onclick: () => render(explanation, h('h2', {}, 'Why it was denied'), h('pre', { class: 'explanation', tabindex: 0 }, d.text)) }, d.decision === 'ExplicitDeny' ? 'Denied explicitly — why?' : 'Denied — why?'),
    ])));
  } catch (e) {
    render(list, errorBox(e));
  }
}
