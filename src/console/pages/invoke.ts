// The Test tab: a payload, Invoke as the signed-in identity, and what came back — status,
// executed version, the result and the log tail, or the AccessDenied message with Latchkey's
// explanation of the decision.

import { InvokeCommand } from '@aws-sdk/client-lambda';
import { lambda, latchkeyGet } from '../api.js';
import { errorBox, field, h, render } from '../dom.js';
import type { FunctionView } from './function.js';

interface Explained {
  decisions: { text: string }[];
}

export function testPanel(body: HTMLElement, view: FunctionView): void {
  const payload = h('textarea', { name: 'payload', rows: 8, spellcheck: false }, '{\n  "key": "value"\n}');
  const result = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      'aria-label': 'Test event',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        render(result, 'Invoking…');
        try {
          const out = await lambda().send(new InvokeCommand({
            FunctionName: view.id,
            ...(view.qualifier ? { Qualifier: view.qualifier } : {}),
            LogType: 'Tail',
            Payload: new TextEncoder().encode(payload.value),
          }));
          const text = new TextDecoder().decode(out.Payload ?? new Uint8Array());
          render(
            result,
            h('dl', { class: 'facts' },
              h('dt', {}, 'Status'), h('dd', { class: 'status' }, String(out.StatusCode)),
              h('dt', {}, 'Executed version'), h('dd', {}, out.ExecutedVersion ?? '—'),
              out.FunctionError ? [h('dt', {}, 'Function error'), h('dd', {}, out.FunctionError)] : null,
            ),
            h('h3', {}, 'Result'), h('pre', { class: 'payload', tabindex: 0 }, text),
            h('h3', {}, 'Log tail'), h('pre', { class: 'log', tabindex: 0 }, out.LogResult ? atob(out.LogResult) : ''),
          );
        } catch (err) {
          render(result, errorBox(err));
          const requestId = (err as { $metadata?: { requestId?: string } }).$metadata?.requestId;
          if ((err as Error).name === 'AccessDeniedException' && requestId) {
            try {
              const why = await latchkeyGet<Explained>(`/_latchkey/decisions/${encodeURIComponent(requestId)}`, 'cloudtrail');
              result.append(h('h3', {}, 'Why'), h('pre', { class: 'explanation', tabindex: 0 }, why.decisions.map((d) => d.text).join('\n\n')));
            } catch (e2) {
              result.append(h('p', {}, 'No explanation available: ', errorBox(e2)));
            }
          }
        }
      },
    },
    field('Event JSON', payload),
    h('button', { type: 'submit' }, 'Invoke'),
  );
  body.append(form, result);
}
