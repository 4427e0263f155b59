// The Function URL tab: the URL of the function or alias shown, its auth type; create or
// delete it. Creating a NONE URL also adds the two statements that open it to everyone, as
// the Lambda console does; who may call an AWS_IAM URL is set in Permissions.

import { AddPermissionCommand, CreateFunctionUrlConfigCommand, DeleteFunctionUrlConfigCommand, GetFunctionUrlConfigCommand } from '@aws-sdk/client-lambda';
import { lambda } from '../api.js';
import { errorBox, field, h, render, select } from '../dom.js';
import { publicUrlPermissions } from '../permissionForms.js';
import type { FunctionView } from './function.js';

export async function functionUrlSection(body: HTMLElement, view: FunctionView): Promise<void> {
  const target = { FunctionName: view.id, ...(view.qualifier ? { Qualifier: view.qualifier } : {}) };
  const status = h('div', { 'aria-live': 'polite' });
  const area = h('div', {});
  body.append(area, status);
  try {
    const url = await lambda().send(new GetFunctionUrlConfigCommand(target));
    render(
      area,
      h('dl', { class: 'facts' }, h('dt', {}, 'Function URL'), h('dd', {}, h('a', { href: url.FunctionUrl! }, url.FunctionUrl!)), h('dt', {}, 'Auth type'), h('dd', {}, url.AuthType!), h('dt', {}, 'Created'), h('dd', {}, url.CreationTime!)),
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        try {
          await lambda().send(new DeleteFunctionUrlConfigCommand(target));
          view.refresh();
        } catch (e) {
          render(status, errorBox(e));
        }
      } }, 'Delete function URL'),
    );
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') {
      render(area, errorBox(e));
      return;
    }
    const auth = select('authType', [['AWS_IAM', 'AWS_IAM'], ['NONE', 'NONE']], 'AWS_IAM');
    render(
      area,
      h('p', {}, 'No function URL.'),
      h('form', { 'aria-label': 'Create function URL', onsubmit: async (ev: Event) => {
        ev.preventDefault();
        try {
          await lambda().send(new CreateFunctionUrlConfigCommand({ ...target, AuthType: auth.value as 'AWS_IAM' | 'NONE' }));
          if (auth.value === 'NONE') {
            for (const params of publicUrlPermissions(view.id, view.qualifier)) {
              // Left by an earlier NONE URL (deleting a URL keeps its statements, as on AWS): keep it.
              await lambda().send(new AddPermissionCommand(params)).catch((err: Error) => {
                if (err.name !== 'ResourceConflictException') throw err;
              });
            }
          }
          view.refresh();
        } catch (err) {
          render(status, errorBox(err));
        }
      } }, field('Auth type', auth, 'NONE: anyone on the network may call it; the console adds the two statements that allow it.'), h('button', { type: 'submit' }, 'Create function URL')),
    );
  }
}
