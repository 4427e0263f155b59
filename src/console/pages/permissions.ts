// Configuration → Permissions: the execution role with its policies summarised, and the
// resource-based policy of the function, version or alias shown — statements as a table,
// "View policy document", "Edit policy document" (the whole JSON policy, PutResourcePolicy),
// "Add permissions" (AWS service, AWS account, Function URL) and Delete with a confirmation.

import {
  AddPermissionCommand,
  GetPolicyCommand,
  PutResourcePolicyCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import { GetRoleCommand, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { iam, lambda } from '../api.js';
import { errorBox, field, h, loading, render, select, table } from '../dom.js';
import { ACTIONS, SERVICES, addPermissionRequests, policyDocument, policyEditorError, policyResourceArn, statementRows, type PermissionKind } from '../permissionForms.js';
import type { FunctionView } from './function.js';

export async function permissionsSection(content: HTMLElement, view: FunctionView): Promise<void> {
  const role = h('section', { 'aria-labelledby': 'role-title' }, h('h4', { id: 'role-title' }, 'Execution role'), loading());
  const policy = h('section', { 'aria-labelledby': 'policy-title' }, h('h4', { id: 'policy-title' }, 'Resource-based policy statements'), loading());
  render(content, h('h3', {}, 'Permissions'), role, policy);
  await Promise.all([executionRole(role, view), resourcePolicy(policy, view)]);
}

async function executionRole(section: HTMLElement, view: FunctionView): Promise<void> {
  const arn = view.configuration.Role ?? '';
  const roleName = arn.split('/').pop() ?? '';
  const title = h('h4', { id: 'role-title' }, 'Execution role');
  try {
    const [r, attached, inline] = await Promise.all([
      iam().send(new GetRoleCommand({ RoleName: roleName })),
      iam().send(new ListAttachedRolePoliciesCommand({ RoleName: roleName })),
      iam().send(new ListRolePoliciesCommand({ RoleName: roleName })),
    ]);
    const inlineRows = await Promise.all((inline.PolicyNames ?? []).map(async (name) => {
      const doc = await iam().send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
      return [name, 'inline', summarise(decodeURIComponent(doc.PolicyDocument ?? ''))];
    }));
    render(
      section,
      title,
      h('p', {}, 'Role name: ', h('code', {}, r.Role?.RoleName ?? roleName)),
      table('Policies of the execution role', ['Policy', 'Type', 'Allows'], [
        ...(attached.AttachedPolicies ?? []).map((p) => [p.PolicyName!, 'managed', h('code', {}, p.PolicyArn!)]),
        ...inlineRows,
      ]),
    );
  } catch (e) {
    // Another account's role, or no iam:GetRole: say what the API said and carry on.
    render(section, title, h('p', {}, h('code', {}, arn)), errorBox(e));
  }
}

/** An inline policy in one line: the actions each Allow statement grants. */
function summarise(document: string): string {
  try {
    const doc = JSON.parse(document) as { Statement?: { Effect?: string; Action?: string | string[] }[] };
    return ([] as { Effect?: string; Action?: string | string[] }[]).concat(doc.Statement ?? [])
      .map((s) => `${s.Effect}: ${([] as string[]).concat(s.Action ?? []).join(', ')}`)
      .join('; ');
  } catch {
    return document;
  }
}

async function resourcePolicy(section: HTMLElement, view: FunctionView): Promise<void> {
  const title = h('h4', { id: 'policy-title' }, 'Resource-based policy statements');
  let policyText: string | undefined;
  let revisionId: string | undefined;
  try {
    ({ Policy: policyText, RevisionId: revisionId } = await lambda().send(new GetPolicyCommand({ FunctionName: view.id, ...(view.qualifier ? { Qualifier: view.qualifier } : {}) })));
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') {
      render(section, title, errorBox(e));
      return;
    }
  }
  const rows = statementRows(policyText);
  const documentView = h('pre', { class: 'policy', id: 'policy-document', hidden: true, tabindex: 0, 'aria-label': 'Policy document' }, policyText ? policyDocument(policyText) : '');
  const viewButton = h('button', { type: 'button', disabled: !policyText, 'aria-controls': 'policy-document', 'aria-expanded': 'false' }, 'View policy document');
  viewButton.addEventListener('click', () => {
    documentView.hidden = !documentView.hidden;
    viewButton.setAttribute('aria-expanded', String(!documentView.hidden));
  });
  const formArea = h('div', {});
  const addButton = h('button', { type: 'button', onclick: () => { render(formArea, addPermissionForm(view)); formArea.querySelector<HTMLElement>('input, select')?.focus(); } }, 'Add permissions');
  const editButton = h('button', { type: 'button', onclick: () => { render(formArea, policyEditor(view, policyText, revisionId)); formArea.querySelector<HTMLElement>('textarea')?.focus(); } }, 'Edit policy document');
  const status = h('div', { 'aria-live': 'polite' });
  render(
    section,
    title,
    h('div', { class: 'actions' }, viewButton, editButton, addButton),
    table('Resource-based policy statements', ['Statement ID', 'Effect', 'Principal', 'Conditions', 'Action', ''], rows.map((r) => [
      r.sid || '—', r.effect, h('code', {}, r.principal), r.conditions ? h('code', {}, r.conditions) : '—', r.action,
      // RemovePermission names a statement by its Sid; one without goes by editing the document.
      r.sid
        ? h('button', { type: 'button', class: 'danger', 'aria-label': `Delete statement ${r.sid}`, onclick: () => confirmDelete(view, r.sid, status) }, 'Delete')
        : '',
    ])),
    status,
    documentView,
    formArea,
  );
}

/** A form's Save (submits) and Cancel (closes the form) buttons. */
function saveOrCancel(): HTMLElement {
  return h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save'), h('button', { type: 'button', onclick: (e: Event) => (e.target as HTMLElement).closest('form')?.remove() }, 'Cancel'));
}

function confirmDelete(view: FunctionView, sid: string, status: HTMLElement): void {
  const dialog = h('dialog', { 'aria-labelledby': 'confirm-title' });
  const close = () => dialog.close();
  render(
    dialog,
    h('h2', { id: 'confirm-title' }, `Delete statement ${sid}?`),
    h('p', {}, 'Whoever it lets in loses that access.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        close();
        try {
          await lambda().send(new RemovePermissionCommand({ FunctionName: view.id, StatementId: sid, ...(view.qualifier ? { Qualifier: view.qualifier } : {}) }));
          view.refresh();
        } catch (e) {
          render(status, errorBox(e));
        }
      } }, 'Delete'),
      h('button', { type: 'button', onclick: close }, 'Cancel'),
    ),
  );
  // Escape closes a modal dialog too; either way it leaves the page.
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

function addPermissionForm(view: FunctionView): HTMLElement {
  const kind = select('kind', [['service', 'AWS service'], ['account', 'AWS account'], ['url', 'Function URL']], 'service');
  const fields = h('div', {});
  const status = h('div', { 'aria-live': 'polite' });
  const inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  const input = (name: string, attrs: Record<string, string | boolean> = {}) => (inputs[name] = h('input', { name, autocomplete: 'off', ...attrs }));
  const draw = () => {
    for (const k of Object.keys(inputs)) delete inputs[k];
    const k = kind.value as PermissionKind;
    const sid = field('Statement ID', input('statementId', { required: true }));
    if (k === 'service') {
      const service = (inputs.service = select('service', SERVICES.map((s) => [s.id, s.label]), 's3'));
      const principal = input('principal', { required: true, value: SERVICES[0]!.principal });
      service.addEventListener('change', () => { principal.value = SERVICES.find((s) => s.id === service.value)?.principal ?? ''; });
      render(fields, field('Service', service), sid, field('Principal', principal),
        field('Source ARN', input('sourceArn'), 'The resource that may invoke the function, e.g. arn:aws:s3:::my-bucket.'),
        field('Source account', input('sourceAccount'), 'For S3, your account ID: a bucket ARN names no account.'),
        field('Event source token', input('eventSourceToken'), 'Alexa: the skill ID.'),
        field('Action', (inputs.action = select('action', ACTIONS.map((a) => [a, a]), 'lambda:InvokeFunction'))));
    } else if (k === 'account') {
      render(fields, sid, field('Principal', input('principal', { required: true }), 'An AWS account ID or the ARN of a user or role.'),
        field('PrincipalOrgID', input('principalOrgId'), 'Optional: callers must belong to this organization.'),
        field('Action', (inputs.action = select('action', ACTIONS.map((a) => [a, a]), 'lambda:InvokeFunction'))));
    } else {
      const auth = (inputs.authType = select('authType', [['AWS_IAM', 'AWS_IAM'], ['NONE', 'NONE']], 'AWS_IAM'));
      const principal = input('principal', { required: true });
      auth.addEventListener('change', () => { principal.value = auth.value === 'NONE' ? '*' : ''; principal.disabled = auth.value === 'NONE'; });
      render(fields, field('Auth type', auth), sid, field('Principal', principal, 'AWS_IAM: an account ID or ARN. NONE: everyone (*).'),
        h('p', {}, 'Actions: ', h('code', {}, 'lambda:InvokeFunctionUrl'), ' and ', h('code', {}, 'lambda:InvokeFunction'), ' through the URL only (both are needed since October 2025).'));
    }
  };
  kind.addEventListener('change', draw);
  draw();
  const value = (n: string) => inputs[n]?.value ?? '';
  return h(
    'form',
    {
      'aria-labelledby': 'add-title',
      class: 'panel',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const requests = addPermissionRequests(view.id, view.qualifier, {
          kind: kind.value as PermissionKind,
          statementId: value('statementId'),
          principal: value('principal'),
          action: value('action') || 'lambda:InvokeFunction',
          sourceArn: value('sourceArn'),
          sourceAccount: value('sourceAccount'),
          eventSourceToken: value('eventSourceToken'),
          principalOrgId: value('principalOrgId'),
          authType: (value('authType') || 'AWS_IAM') as 'AWS_IAM' | 'NONE',
        });
        render(status, 'Saving…');
        try {
          for (const params of requests) await lambda().send(new AddPermissionCommand(params));
          view.refresh();
        } catch (err) {
          render(status, errorBox(err));
        }
      },
    },
    h('h4', { id: 'add-title' }, 'Add permissions'),
    field('Grant permission to', kind),
    fields,
    saveOrCancel(),
    status,
  );
}

/**
 * The whole policy as JSON, replaced with PutResourcePolicy: Deny statements and any condition
 * key, which the Add permissions forms cannot write. The RevisionId read with the policy goes
 * along, so a change someone made meanwhile is refused rather than overwritten.
 */
function policyEditor(view: FunctionView, policyText: string | undefined, revisionId: string | undefined): HTMLElement {
  const resourceArn = policyResourceArn(view.configuration.FunctionArn ?? '', view.qualifier);
  const starter = { Version: '2012-10-17', Statement: [{ Sid: 'example', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'lambda:InvokeFunction', Resource: resourceArn }] };
  const editor = h('textarea', { name: 'policy', rows: 18, cols: 80, spellcheck: false, autocomplete: 'off' });
  editor.value = policyText ? policyDocument(policyText) : JSON.stringify(starter, null, 2);
  const status = h('div', { 'aria-live': 'polite' });
  return h(
    'form',
    {
      'aria-labelledby': 'edit-title',
      class: 'panel',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const problem = policyEditorError(editor.value);
        if (problem) {
          render(status, h('div', { class: 'error', role: 'alert' }, problem));
          return;
        }
        render(status, 'Saving…');
        try {
          await lambda().send(new PutResourcePolicyCommand({ ResourceArn: resourceArn, Policy: editor.value, ...(revisionId ? { RevisionId: revisionId } : {}) }));
          view.refresh();
        } catch (err) {
          render(status, errorBox(err));
        }
      },
    },
    h('h4', { id: 'edit-title' }, 'Edit policy document'),
    h('p', {}, 'Replaces the whole policy of ', h('code', {}, resourceArn), ', the statements Add permissions wrote included.'),
    field('Policy JSON', editor),
    saveOrCancel(),
    status,
  );
}
