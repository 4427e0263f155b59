// One function, as the Lambda console shows it: Code, Configuration (General, Environment
// variables, Permissions), Aliases and versions, Function URL, Test. The qualifier selector
// switches between the function, its versions and aliases — each has its own policy.

import {
  GetFunctionConfigurationCommand,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { lambda } from '../api.js';
import { errorBox, field, h, loading, render, select, table } from '../dom.js';
import { go, link } from '../router.js';
import { permissionsSection } from './permissions.js';
import { testPanel } from './invoke.js';
import { functionUrlSection } from './functionUrl.js';
import { monitorSection } from './monitor.js';

const TABS: [id: string, label: string][] = [
  ['code', 'Code'],
  ['configuration', 'Configuration'],
  ['versions', 'Aliases and versions'],
  ['url', 'Function URL'],
  ['monitor', 'Monitor'],
  ['test', 'Test'],
];
const CONFIGURATION: [id: string, label: string][] = [
  ['general', 'General configuration'],
  ['environment', 'Environment variables'],
  ['permissions', 'Permissions'],
];

export interface FunctionView {
  /** As the route names it: a name or an ARN. */
  id: string;
  qualifier: string | undefined;
  configuration: FunctionConfiguration;
  /** Re-shows the page (after a change). */
  refresh(): void;
}

export async function functionPage(main: HTMLElement, id: string, params: URLSearchParams): Promise<void> {
  const qualifier = params.get('q') ?? undefined;
  const tab = params.get('tab') ?? 'code';
  const sub = params.get('sub') ?? 'general';
  const here = (extra: Record<string, string | undefined>) => link(['functions', id], { tab, sub: tab === 'configuration' ? sub : undefined, q: qualifier, ...extra });
  render(main, h('h1', { tabindex: -1 }, id.split(':function:').pop()!), loading());
  let configuration: FunctionConfiguration;
  try {
    configuration = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: id, ...(qualifier ? { Qualifier: qualifier } : {}) }));
  } catch (e) {
    render(main, h('h1', { tabindex: -1 }, id.split(':function:').pop()!), errorBox(e), h('p', {}, h('a', { href: '#/functions' }, 'Back to functions')));
    return;
  }
  const view: FunctionView = { id, qualifier, configuration, refresh: () => go(location.hash) };

  const qualifiers = await qualifierOptions(id);
  const chooser = select('qualifier', [['', 'Unqualified ($LATEST)'], ...qualifiers], qualifier ?? '');
  chooser.addEventListener('change', () => go(here({ q: chooser.value || undefined })));

  const body = h('section', { 'aria-labelledby': 'tab-title' });
  render(
    main,
    h('h1', { tabindex: -1 }, configuration.FunctionName!, qualifier ? h('span', { class: 'qualifier' }, `:${qualifier}`) : null),
    h('p', { class: 'arn' }, h('code', {}, configuration.FunctionArn!)),
    h('div', { class: 'qualifier-choice' }, field('Version or alias', chooser)),
    h('nav', { 'aria-label': 'Function', class: 'tabs' }, h('ul', {}, ...TABS.map(([t, label]) => h('li', {}, h('a', { href: link(['functions', id], { tab: t, q: qualifier }), 'aria-current': t === tab ? 'page' : undefined }, label))))),
    body,
  );

  switch (tab) {
    case 'configuration': {
      const content = h('div', {});
      render(
        body,
        h('h2', { id: 'tab-title' }, 'Configuration'),
        h('div', { class: 'split' },
          h('nav', { 'aria-label': 'Configuration', class: 'side' }, h('ul', {}, ...CONFIGURATION.map(([s, label]) => h('li', {}, h('a', { href: link(['functions', id], { tab, sub: s, q: qualifier }), 'aria-current': s === sub ? 'page' : undefined }, label))))),
          content,
        ),
      );
      if (sub === 'environment') return environment(content, configuration);
      if (sub === 'permissions') return permissionsSection(content, view);
      return general(content, configuration);
    }
    case 'versions':
      return versions(body, view);
    case 'url':
      render(body, h('h2', { id: 'tab-title' }, 'Function URL'));
      return functionUrlSection(body, view);
    case 'monitor':
      render(body, h('h2', { id: 'tab-title' }, 'Monitor'));
      return monitorSection(body, view);
    case 'test':
      render(body, h('h2', { id: 'tab-title' }, 'Test'));
      return testPanel(body, view);
    default:
      return code(body, configuration);
  }
}

async function qualifierOptions(id: string): Promise<[string, string][]> {
  try {
    const [versions, aliases] = await Promise.all([
      lambda().send(new ListVersionsByFunctionCommand({ FunctionName: id })),
      lambda().send(new ListAliasesCommand({ FunctionName: id })),
    ]);
    return [
      ...(versions.Versions ?? []).filter((v) => v.Version !== '$LATEST').map((v): [string, string] => [v.Version!, `Version ${v.Version}`]),
      ...(aliases.Aliases ?? []).map((a): [string, string] => [a.Name!, `Alias ${a.Name} → ${a.FunctionVersion}`]),
    ];
  } catch {
    return [];
  }
}

const facts = (rows: [string, unknown][]) =>
  h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v === undefined || v === '' ? '—' : String(v))]));

function code(body: HTMLElement, c: FunctionConfiguration): void {
  render(
    body,
    h('h2', { id: 'tab-title' }, 'Code'),
    facts([['Runtime', c.Runtime], ['Handler', c.Handler], ['Code size', `${c.CodeSize} bytes`], ['Code SHA-256', c.CodeSha256], ['Version', c.Version], ['Package type', c.PackageType]]),
    table('Layers', ['Layer version ARN', 'Code size'], (c.Layers ?? []).map((l) => [h('code', {}, l.Arn!), `${l.CodeSize} bytes`])),
  );
}

function general(content: HTMLElement, c: FunctionConfiguration): void {
  render(
    content,
    h('h3', {}, 'General configuration'),
    facts([['Description', c.Description], ['Memory', `${c.MemorySize} MB`], ['Timeout', `${c.Timeout} s`], ['Execution role', c.Role], ['Last modified', c.LastModified], ['State', c.State], ['Last update', c.LastUpdateStatus]]),
  );
}

function environment(content: HTMLElement, c: FunctionConfiguration): void {
  const vars = Object.entries(c.Environment?.Variables ?? {});
  render(content, h('h3', {}, 'Environment variables'), table('Environment variables', ['Key', 'Value'], vars.map(([k, v]) => [h('code', {}, k), h('code', {}, v)])));
}

async function versions(body: HTMLElement, view: FunctionView): Promise<void> {
  render(body, h('h2', { id: 'tab-title' }, 'Aliases and versions'), loading());
  try {
    const [v, a] = await Promise.all([
      lambda().send(new ListVersionsByFunctionCommand({ FunctionName: view.id })),
      lambda().send(new ListAliasesCommand({ FunctionName: view.id })),
    ]);
    const open = (q: string | undefined) => h('a', { href: link(['functions', view.id], { tab: 'configuration', sub: 'permissions', q }) }, 'Permissions');
    render(
      body,
      h('h2', { id: 'tab-title' }, 'Aliases and versions'),
      table('Aliases', ['Alias', 'Version', 'Additional version weights', ''], (a.Aliases ?? []).map((x) => [
        x.Name!, x.FunctionVersion!, JSON.stringify(x.RoutingConfig?.AdditionalVersionWeights ?? {}), open(x.Name),
      ])),
      table('Versions', ['Version', 'Description', 'Last modified', ''], (v.Versions ?? []).map((x) => [
        x.Version!, x.Description ?? '', x.LastModified ?? '', open(x.Version === '$LATEST' ? undefined : x.Version),
      ])),
    );
  } catch (e) {
    render(body, h('h2', { id: 'tab-title' }, 'Aliases and versions'), errorBox(e));
  }
}
