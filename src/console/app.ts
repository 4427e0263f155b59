// The Latchkey console: a single page served at /console/, routed by the URL's hash
// (#/functions, #/functions/<name>?tab=permissions&q=<qualifier>, #/layers, #/access,
// #/activity). Every page reads and writes through api.ts as the signed-in identity.

import { currentSession, signOut, takeSignInToken } from './api.js';
import { h, render } from './dom.js';
import { accessPage } from './pages/access.js';
import { activityPage } from './pages/activity.js';
import { functionPage } from './pages/function.js';
import { functionsPage } from './pages/functions.js';
import { layerPage, layersPage } from './pages/layers.js';
import { signInPage } from './pages/signIn.js';
import { go, parseHash, type Route } from './router.js';

const NAV: [hash: string, label: string][] = [
  ['#/functions', 'Functions'],
  ['#/layers', 'Layers'],
  ['#/access', 'Access'],
  ['#/activity', 'Activity'],
];

function header(route: Route): HTMLElement {
  const s = currentSession();
  return h(
    'header',
    {},
    h('a', { class: 'brand', href: '#/functions' }, 'Latchkey'),
    s
      ? h(
          'nav',
          { 'aria-label': 'Main' },
          h('ul', {}, ...NAV.map(([hash, label]) => h('li', {}, h('a', { href: hash, 'aria-current': hash.slice(2) === route.path[0] ? 'page' : undefined }, label)))),
        )
      : null,
    s
      ? h(
          'div',
          { class: 'identity' },
          h('span', {}, 'Signed in as ', h('code', {}, s.arn)),
          h('button', { type: 'button', onclick: () => { signOut(); go('#/signin'); } }, 'Sign out'),
        )
      : null,
  );
}

async function page(route: Route, main: HTMLElement): Promise<void> {
  const [section, id] = route.path;
  if (!currentSession() || section === 'signin') return signInPage(main);
  switch (section) {
    case 'functions':
      return id ? functionPage(main, id, route.params) : functionsPage(main, route.params);
    case 'layers':
      return id ? layerPage(main, id) : layersPage(main);
    case 'access':
      return accessPage(main);
    case 'activity':
      return activityPage(main, route.params);
    default:
      go('#/functions');
  }
}

async function show(): Promise<void> {
  takeSignInToken();
  const route = parseHash(location.hash);
  const root = document.getElementById('app')!;
  const main = h('main', { id: 'main' });
  render(root, h('a', { class: 'skip', href: '#main', onclick: (e: Event) => { e.preventDefault(); main.focus(); } }, 'Skip to content'), header(route), main);
  main.tabIndex = -1;
  await page(route, main);
  // Keyboard and screen-reader users land on the new page's heading.
  main.querySelector<HTMLElement>('h1')?.focus();
}

window.addEventListener('hashchange', () => void show());
void show();
