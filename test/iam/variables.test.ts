// Unit tests for policy variables (src/iam/variables.ts).
// Spec: reference/iam-evaluation.md §7 (syntax `${key}`, escapes `${*}` `${?}`
// `${$}`, defaults `${key, 'default'}`, a variable with no value is null, substituted values
// are literal, key names are case-insensitive, multi-valued keys cannot be variables).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { RequestContext } from '../../src/iam/context.js';
import { compileGlobPieces } from '../../src/iam/glob.js';
import { hasVariables, parseTemplate, resolvePieces, resolveString, resolveVariable, type Template } from '../../src/iam/variables.js';
import { authorize, compilePolicy } from '../../src/iam/index.js';

const ctx = new RequestContext({
  'aws:username': 'bob',
  'aws:PrincipalTag/team': 'Blue',
  'aws:userid': 'AIDAEXAMPLE',
  'aws:TagKeys': ['a', 'b'],
  'aws:SourceAccount': '111111111111',
  'wild:value': 'Bob*',
  'empty:value': '',
});

function tpl(text: string): Template {
  const t = parseTemplate(text);
  assert.ok(t, `${text} should hold variables`);
  return t;
}

describe('hasVariables', () => {
  test('detects ${', () => {
    assert.equal(hasVariables('${aws:username}'), true);
    assert.equal(hasVariables('a${'), true);
    assert.equal(hasVariables('plain'), false);
    assert.equal(hasVariables('$ {x}'), false);
    assert.equal(hasVariables('{aws:username}'), false);
  });
});

describe('parseTemplate', () => {
  test('null when there are no variables', () => {
    assert.equal(parseTemplate(''), null);
    assert.equal(parseTemplate('plain text'), null);
    assert.equal(parseTemplate('arn:aws:s3:::b/*'), null);
    assert.equal(parseTemplate('$aws:username'), null);
  });

  test('null when ${ is never closed', () => {
    assert.equal(parseTemplate('home/${aws:username'), null);
    assert.equal(parseTemplate('${'), null);
  });

  test('a lone variable', () => {
    assert.deepEqual(parseTemplate('${aws:username}'), [{ key: 'aws:username', defaultValue: undefined }]);
  });

  test('literal text around variables', () => {
    assert.deepEqual(parseTemplate('home/${aws:username}/*'), ['home/', { key: 'aws:username', defaultValue: undefined }, '/*']);
    assert.deepEqual(parseTemplate('${aws:username}-${aws:userid}'), [
      { key: 'aws:username', defaultValue: undefined },
      '-',
      { key: 'aws:userid', defaultValue: undefined },
    ]);
  });

  test('key names are lower-cased', () => {
    assert.deepEqual(parseTemplate('${AWS:UserName}'), [{ key: 'aws:username', defaultValue: undefined }]);
    assert.deepEqual(parseTemplate('${aws:PrincipalTag/Team}'), [{ key: 'aws:principaltag/team', defaultValue: undefined }]);
  });

  test('default values', () => {
    assert.deepEqual(parseTemplate("${aws:PrincipalTag/team, 'company-wide'}"), [
      { key: 'aws:principaltag/team', defaultValue: 'company-wide' },
    ]);
    assert.deepEqual(parseTemplate("${aws:username, ''}"), [{ key: 'aws:username', defaultValue: '' }]);
    assert.deepEqual(parseTemplate("x${aws:username, 'a b'}y"), ['x', { key: 'aws:username', defaultValue: 'a b' }, 'y']);
  });

  test('escapes ${*} ${?} ${$}', () => {
    const star = parseTemplate('a${*}b');
    assert.ok(star);
    assert.equal(star.length, 3);
    assert.equal(star[0], 'a');
    assert.equal(star[2], 'b');
    const ref = star[1];
    assert.equal(typeof ref, 'object');
    // Whatever the representation, the escape must resolve to the literal character.
    assert.equal(resolveString(star, new RequestContext()), 'a*b');
    assert.equal(resolveString(tpl('${?}'), new RequestContext()), '?');
    assert.equal(resolveString(tpl('${$}'), new RequestContext()), '$');
    assert.equal(resolveString(tpl('${$}{aws:username}'), ctx), '${aws:username}');
  });

  test('text that is not a valid key stays literal', () => {
    // An empty name, a comma without a quoted default, or a `{` are not variables.
    assert.equal(parseTemplate('${}'), null);
    assert.equal(parseTemplate('${a,b}'), null);
    assert.equal(parseTemplate('${x, "d"}'), null);
    const mixed = parseTemplate('${} ${aws:username}');
    assert.deepEqual(mixed, ['${} ', { key: 'aws:username', defaultValue: undefined }]);
  });

  // Spec §7: "Any single-valued key may be a variable"; aws:PrincipalTag/tag-key takes any
  // tag key, and AWS tag keys may hold spaces and Unicode letters (iam-simulate accepts any
  // text between the braces as the key name).
  test('tag keys with spaces or non-ASCII letters are variables', () => {
    assert.deepEqual(parseTemplate('${aws:PrincipalTag/cost center}'), [{ key: 'aws:principaltag/cost center', defaultValue: undefined }]);
    assert.deepEqual(parseTemplate('${aws:PrincipalTag/équipe}'), [{ key: 'aws:principaltag/équipe', defaultValue: undefined }]);
    assert.deepEqual(parseTemplate("${aws:PrincipalTag/cost center, 'none'}"), [{ key: 'aws:principaltag/cost center', defaultValue: 'none' }]);
    const c = new RequestContext({ 'aws:PrincipalTag/cost center': 'cc-1' });
    assert.equal(resolveString(tpl('${aws:PrincipalTag/cost center}'), c), 'cc-1');
  });

  test('names of Object.prototype members are ordinary keys, not escapes', () => {
    // Only `*`, `?` and `$` are escapes (spec §7). `${toString}` or `${constructor}` are
    // plain (absent) keys and must resolve to null, not to a function's source text.
    for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf']) {
      const t = parseTemplate('x${' + name + '}');
      assert.ok(t, name);
      const ref = t[1];
      assert.ok(ref !== undefined && typeof ref === 'object', name);
      assert.equal(ref.key, name.toLowerCase(), `${name}: key`);
      assert.equal(ref.defaultValue, undefined, `${name}: no default`);
      assert.equal(resolveString(t, new RequestContext()), null, `${name}: absent variable resolves to null`);
    }
  });
});

describe('resolveVariable', () => {
  test('present single-valued key', () => {
    assert.equal(resolveVariable({ key: 'aws:username', defaultValue: undefined }, ctx), 'bob');
    assert.equal(resolveVariable({ key: 'aws:username', defaultValue: 'd' }, ctx), 'bob', 'a present key wins over the default');
  });

  test('absent key: the default, else undefined', () => {
    assert.equal(resolveVariable({ key: 'aws:nope', defaultValue: undefined }, ctx), undefined);
    assert.equal(resolveVariable({ key: 'aws:nope', defaultValue: 'd' }, ctx), 'd');
  });

  test('an empty string is a value, not absence', () => {
    assert.equal(resolveVariable({ key: 'empty:value', defaultValue: 'd' }, ctx), '');
  });

  test('multi-valued keys are not variables', () => {
    assert.equal(resolveVariable({ key: 'aws:tagkeys', defaultValue: undefined }, ctx), undefined);
    assert.equal(resolveVariable({ key: 'aws:tagkeys', defaultValue: 'd' }, ctx), 'd');
  });
});

describe('resolveString', () => {
  test('substitutes present keys', () => {
    assert.equal(resolveString(tpl('home/${aws:username}/'), ctx), 'home/bob/');
    assert.equal(resolveString(tpl('${aws:username}${aws:username}'), ctx), 'bobbob');
  });

  test('key lookup is case-insensitive', () => {
    assert.equal(resolveString(tpl('${AWS:USERNAME}'), ctx), 'bob');
    assert.equal(resolveString(tpl('${aws:principaltag/TEAM}'), ctx), 'Blue');
  });

  test('values keep their case', () => {
    assert.equal(resolveString(tpl('${aws:PrincipalTag/team}'), ctx), 'Blue');
  });

  test('null when a variable has no value', () => {
    assert.equal(resolveString(tpl('home/${aws:nope}/'), ctx), null);
    assert.equal(resolveString(tpl('${aws:username}/${aws:nope}'), ctx), null);
    assert.equal(resolveString(tpl('${aws:TagKeys}'), ctx), null, 'multi-valued key');
  });

  test('defaults fill in for absent keys', () => {
    assert.equal(resolveString(tpl("${aws:PrincipalTag/x, 'd'}"), ctx), 'd');
    assert.equal(resolveString(tpl("${aws:PrincipalTag/team, 'd'}"), ctx), 'Blue');
    assert.equal(resolveString(tpl("t-${aws:nope, 'company-wide'}-x"), ctx), 't-company-wide-x');
  });

  test('literal text is kept as written, wildcards included', () => {
    assert.equal(resolveString(tpl('a*?${aws:username}'), ctx), 'a*?bob');
  });

  test('escapes combine with variables', () => {
    assert.equal(resolveString(tpl('${aws:username}${*}${?}${$}'), ctx), 'bob*?$');
  });
});

describe('resolvePieces', () => {
  test('literal template text is wild, substituted text is not', () => {
    assert.deepEqual(resolvePieces(tpl('home/${aws:username}/*'), ctx), [
      { text: 'home/', wild: true },
      { text: 'bob', wild: false },
      { text: '/*', wild: true },
    ]);
  });

  test('null when a variable has no value', () => {
    assert.equal(resolvePieces(tpl('home/${aws:nope}/*'), ctx), null);
    assert.equal(resolvePieces(tpl('${aws:TagKeys}'), ctx), null);
  });

  test('defaults are literal pieces', () => {
    assert.deepEqual(resolvePieces(tpl("${aws:nope, 'x*'}"), ctx), [{ text: 'x*', wild: false }]);
  });

  test('escapes are literal pieces', () => {
    const pieces = resolvePieces(tpl('a${*}b'), ctx);
    assert.ok(pieces);
    assert.equal(pieces.map((p) => p.text).join(''), 'a*b');
    const m = compileGlobPieces(pieces);
    assert.equal(m('a*b'), true);
    assert.equal(m('axb'), false, '${*} is a literal star');
    const q = compileGlobPieces(resolvePieces(tpl('a${?}b'), ctx)!);
    assert.equal(q('a?b'), true);
    assert.equal(q('axb'), false, '${?} is a literal question mark');
  });

  test('a substituted value with wildcards is literal (Bob* does not match BobTwo)', () => {
    const pieces = resolvePieces(tpl('test${wild:value}'), ctx);
    assert.ok(pieces);
    const m = compileGlobPieces(pieces);
    assert.equal(m('testBob*'), true);
    assert.equal(m('testBobTwo'), false);
  });

  test('an empty value is a value', () => {
    assert.deepEqual(resolvePieces(tpl('a${empty:value}b'), ctx), [
      { text: 'a', wild: true },
      { text: '', wild: false },
      { text: 'b', wild: true },
    ]);
  });
});

// Through the public API: variables in the Resource element (§6.2 and §7).
describe('policy variables in Resource', () => {
  const principal = { type: 'User' as const, arn: 'arn:aws:iam::111111111111:user/bob', accountId: '111111111111' };

  function allows(version: string | undefined, resource: string | string[], target: string, context: RequestContext, notResource = false): boolean {
    const statement: Record<string, unknown> = { Effect: 'Allow', Action: 's3:GetObject' };
    statement[notResource ? 'NotResource' : 'Resource'] = resource;
    const doc: Record<string, unknown> = { Statement: [statement] };
    if (version !== undefined) doc.Version = version;
    const policy = compilePolicy(doc, { kind: 'identity', skipActionCatalogue: true });
    return authorize({ principal, action: 's3:GetObject', resource: target, context }, { identity: [policy] }).decision === 'Allow';
  }

  test('substitutes in the resource part', () => {
    const c = new RequestContext({ 'aws:username': 'bob' });
    assert.equal(allows('2012-10-17', 'arn:aws:s3:::b/home/${aws:username}/*', 'arn:aws:s3:::b/home/bob/f', c), true);
    assert.equal(allows('2012-10-17', 'arn:aws:s3:::b/home/${aws:username}/*', 'arn:aws:s3:::b/home/alice/f', c), false);
  });

  test('a variable with no value makes the entry match nothing', () => {
    const c = new RequestContext({});
    assert.equal(allows('2012-10-17', 'arn:aws:s3:::b/home/${aws:username}*', 'arn:aws:s3:::b/home/', c), false);
    assert.equal(allows('2012-10-17', 'arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/', c), false);
    // Other entries in the list still count.
    assert.equal(allows('2012-10-17', ['arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/x'], 'arn:aws:s3:::b/x', c), true);
  });

  // Spec §7: "A variable with no value (key absent) is null. … In Resource/NotResource the
  // entry matches nothing." So a NotResource entry with no value excludes nothing.
  test('NotResource with a variable with no value excludes nothing', () => {
    const c = new RequestContext({});
    assert.equal(allows('2012-10-17', 'arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/anything', c, true), true);
    assert.equal(allows('2012-10-17', ['arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/x'], 'arn:aws:s3:::b/anything', c, true), true);
    assert.equal(allows('2012-10-17', ['arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/x'], 'arn:aws:s3:::b/x', c, true), false);
  });

  test('NotResource with a resolved variable excludes the resolved resource', () => {
    const c = new RequestContext({ 'aws:username': 'bob' });
    assert.equal(allows('2012-10-17', 'arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/anything', c, true), true);
    assert.equal(allows('2012-10-17', 'arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/bob', c, true), false);
  });

  test('Deny + NotResource with an unresolved variable still denies (no fail-open)', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Deny', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::b/home/${aws:username}/*' },
      ],
    };
    const policy = compilePolicy(doc, { kind: 'identity', skipActionCatalogue: true });
    const decide = (ctx: RequestContext, resource: string) =>
      authorize({ principal, action: 's3:GetObject', resource, context: ctx }, { identity: [policy] }).decision;
    // With the variable resolved, only the home folder escapes the Deny.
    const bob = new RequestContext({ 'aws:username': 'bob' });
    assert.equal(decide(bob, 'arn:aws:s3:::b/home/bob/f'), 'Allow');
    assert.equal(decide(bob, 'arn:aws:s3:::b/other'), 'ExplicitDeny');
    // Without it the NotResource entry matches nothing, so the Deny covers every resource.
    assert.equal(decide(new RequestContext({}), 'arn:aws:s3:::b/other'), 'ExplicitDeny');
  });

  test('a substituted value is literal in Resource', () => {
    const c = new RequestContext({ 'aws:username': 'Bob*' });
    assert.equal(allows('2012-10-17', 'arn:aws:s3:::b/test${aws:username}', 'arn:aws:s3:::b/testBobTwo', c), false);
    assert.equal(allows('2012-10-17', 'arn:aws:s3:::b/test${aws:username}', 'arn:aws:s3:::b/testBob*', c), true);
  });

  test('a default value', () => {
    const c = new RequestContext({});
    assert.equal(allows('2012-10-17', "arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*", 'arn:aws:s3:::b/shared/f', c), true);
  });

  test('escapes in Resource', () => {
    const c = new RequestContext({});
    assert.equal(allows('2012-10-17', 'arn:aws:s3:::b/a${*}', 'arn:aws:s3:::b/a*', c), true);
    assert.equal(allows('2012-10-17', 'arn:aws:s3:::b/a${*}', 'arn:aws:s3:::b/ab', c), false);
  });

  test('2008-10-17 and version-less policies treat ${…} literally', () => {
    const c = new RequestContext({ 'aws:username': 'bob' });
    for (const v of ['2008-10-17', undefined]) {
      assert.equal(allows(v, 'arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/bob', c), false, String(v));
      assert.equal(allows(v, 'arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/${aws:username}', c), true, String(v));
    }
  });
});
