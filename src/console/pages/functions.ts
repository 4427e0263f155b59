// Functions: the signed-in account's functions (ListFunctions), a page at a time, with a
// name filter.

import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { lambda } from '../api.js';
import { errorBox, field, h, loading, render, table } from '../dom.js';
import { go, link } from '../router.js';

const PAGE_SIZE = 50;

export async function functionsPage(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const marker = params.get('marker') ?? undefined;
  const filter = params.get('filter') ?? '';
  const list = h('div', {}, loading());
  const search = h('input', { name: 'filter', type: 'search', value: filter, placeholder: 'Filter by name' });
  render(
    main,
    h('h1', { tabindex: -1 }, 'Functions'),
    h(
      'form',
      { role: 'search', onsubmit: (e: Event) => { e.preventDefault(); go(link(['functions'], { filter: search.value.trim() })); } },
      field('Filter functions by name', search),
      h('button', { type: 'submit' }, 'Filter'),
    ),
    list,
  );
  try {
    const out = await lambda().send(new ListFunctionsCommand({ MaxItems: PAGE_SIZE, ...(marker ? { Marker: marker } : {}) }));
    const shown = (out.Functions ?? []).filter((f) => !filter || f.FunctionName!.toLowerCase().includes(filter.toLowerCase()));
    render(
      list,
      table(
        'Functions',
        ['Function name', 'Runtime', 'Last modified'],
        shown.map((f) => [h('a', { href: link(['functions', f.FunctionName!]) }, f.FunctionName!), f.Runtime ?? '', f.LastModified ?? '']),
      ),
      h(
        'nav',
        { 'aria-label': 'Pages', class: 'pager' },
        marker ? h('a', { href: link(['functions'], { filter }) }, 'First page') : null,
        out.NextMarker ? h('a', { href: link(['functions'], { marker: out.NextMarker, filter }) }, 'Next page') : null,
      ),
    );
  } catch (e) {
    render(list, errorBox(e));
  }
}
