// Unit tests for the IAM wildcard matcher (src/iam/glob.ts).
// Spec: reference/iam-evaluation.md §5.3 (`*` = any run of characters, `?` =
// exactly one character, anywhere) and §6.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { compileGlob, compileGlobPieces, hasWildcard, type PatternPiece } from '../../src/iam/glob.js';

/** Asserts `pattern` matches every text in `yes` and none in `no`. */
function check(pattern: string, yes: string[], no: string[], ignoreCase = false): void {
  const m = compileGlob(pattern, ignoreCase);
  for (const t of yes) assert.equal(m(t), true, `${JSON.stringify(pattern)} should match ${JSON.stringify(t)}`);
  for (const t of no) assert.equal(m(t), false, `${JSON.stringify(pattern)} should not match ${JSON.stringify(t)}`);
}

/** A slow but obviously-correct reference matcher (regex with every other char escaped). */
function reference(pattern: string, text: string, ignoreCase = false): boolean {
  const re = pattern
    .split('')
    .map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`, ignoreCase ? 'i' : '').test(text);
}

describe('hasWildcard', () => {
  test('detects * and ?', () => {
    assert.equal(hasWildcard('abc'), false);
    assert.equal(hasWildcard(''), false);
    assert.equal(hasWildcard('a*c'), true);
    assert.equal(hasWildcard('a?c'), true);
    assert.equal(hasWildcard('*'), true);
  });
});

describe('compileGlob: literal patterns', () => {
  test('matches only the exact text', () => {
    check('abc', ['abc'], ['ab', 'abcd', 'xabc', 'ABC', 'aBc', '', 'a c']);
  });

  test('is case-sensitive by default', () => {
    check('GetObject', ['GetObject'], ['getobject', 'GETOBJECT']);
  });

  test('regex metacharacters are literal', () => {
    check('a.b', ['a.b'], ['axb']);
    check('a+b', ['a+b'], ['aab']);
    check('(x)|[y]^$\\', ['(x)|[y]^$\\'], ['x', 'y']);
    check('a/b:c', ['a/b:c'], ['a/b/c']);
  });
});

describe('compileGlob: `*`', () => {
  test('lone * matches everything, including the empty string', () => {
    check('*', ['', 'a', 'abc', '*', 'with:colons/and/slashes', ' '], []);
  });

  test('prefix*', () => {
    check('abc*', ['abc', 'abcd', 'abc*', 'abc/def:ghi'], ['ab', 'xabc', 'ABC', 'abx']);
  });

  test('*suffix', () => {
    check('*xyz', ['xyz', 'axyz', 'xyzxyz'], ['xy', 'xyza', 'XYZ']);
  });

  test('prefix*suffix', () => {
    check('ab*yz', ['abyz', 'ab-yz', 'abxxxyz'], ['ab', 'yz', 'abz', 'aby', 'abyzq', 'aayz']);
  });

  test('prefix and suffix may not overlap', () => {
    check('aa*aa', ['aaaa', 'aaaaa', 'aabaa'], ['aaa', 'aa', 'a']);
    check('ab*ba', ['abba', 'abxba'], ['aba']);
  });

  test('*middle*', () => {
    check('*Access*', ['Access', 'ListAccessKeys', 'DeleteAccessKey', 'GetAccess'], ['access', 'Acess', 'Acc']);
  });

  test('several stars with middle segments in order', () => {
    check('a*b*c', ['abc', 'aXbYc', 'abbbc', 'acbc', 'abcbc'], ['acb', 'ab', 'bac', 'abcx']);
    check('*a*b*', ['ab', 'xaxbx', 'ba b'], ['ba', 'a', 'b', '']);
  });

  test('middle segments must fit before the suffix', () => {
    // `b` appears only inside what the last segment needs.
    check('a*b*bc', ['abbc', 'axbxbc'], ['abc', 'axbc']);
  });

  test('** behaves like *', () => {
    check('**', ['', 'a', 'anything at all'], []);
    check('a**b', ['ab', 'axb', 'axxb'], ['a', 'b', 'ba']);
    check('***', ['', 'xyz'], []);
  });

  test('star matches across separators (/ and :)', () => {
    check('function:f*', ['function:f', 'function:f:1', 'function:foo/bar:$LATEST'], ['function:g']);
  });
});

describe('compileGlob: `?`', () => {
  test('matches exactly one character', () => {
    check('a?c', ['abc', 'a?c', 'a*c', 'a c', 'a:c'], ['ac', 'abbc', 'ab', 'Abc']);
  });

  test('lone ?', () => {
    check('?', ['a', '?', '*', ' '], ['', 'ab']);
  });

  test('several ?', () => {
    check('???', ['abc', '123'], ['ab', 'abcd', '']);
  });

  test('? combined with *', () => {
    check('?*', ['a', 'abc'], ['']);
    check('*?', ['a', 'abc'], ['']);
    check('*?*', ['a', 'ab'], ['']);
    check('a?*', ['ab', 'abc'], ['a', 'b']);
    check('*?b', ['ab', 'xxab'], ['b', 'ba']);
    check('*a?c*', ['abc', 'xxabcxx', 'aac', 'aaac'], ['ac', 'abbc']);
    check('?*?', ['ab', 'abc'], ['a', '']);
  });

  test('? in a middle segment', () => {
    check('x*a?c*y', ['xabcy', 'x--a-c--y', 'xaacy'], ['xacy', 'xabc', 'abcy']);
  });

  test('? in the first and last segments of a starred pattern', () => {
    check('?b*y?', ['abxyz', 'ab yz', 'abyz'], ['byz', 'abxy', 'bbxy']);
  });
});

describe('compileGlob: empty pattern and empty text', () => {
  test('empty pattern matches only empty text', () => {
    check('', [''], ['a', ' ', '*']);
  });

  test('empty text is matched only by patterns that can be empty', () => {
    const m = (p: string) => compileGlob(p)('');
    assert.equal(m(''), true);
    assert.equal(m('*'), true);
    assert.equal(m('**'), true);
    assert.equal(m('?'), false);
    assert.equal(m('a'), false);
    assert.equal(m('*a'), false);
    assert.equal(m('a*'), false);
    assert.equal(m('*a*'), false);
  });
});

describe('compileGlob: ignoreCase', () => {
  test('literal', () => {
    check('Hello', ['hello', 'HELLO', 'HeLLo'], ['hell', 'helloo'], true);
  });

  test('prefix*suffix', () => {
    check('Ab*Yz', ['abyz', 'ABYZ', 'aBxxxYz'], ['abz', 'xabyz'], true);
  });

  test('with ? and middle segments', () => {
    check('a?C*dE*f', ['ABCDEF', 'abc--de--f', 'AxCdEF'], ['acdef', 'abcdf'], true);
  });

  test('case-sensitive by default with the same patterns', () => {
    check('Ab*Yz', ['AbxYz'], ['abyz', 'ABYZ']);
    check('a?C*dE*f', ['abCdEf'], ['ABCDEF']);
  });
});

describe('compileGlobPieces', () => {
  const m = (pieces: PatternPiece[], text: string, ignoreCase = false) => compileGlobPieces(pieces, ignoreCase)(text);

  test('a single wild piece behaves like compileGlob', () => {
    for (const [p, t] of [
      ['a*b', 'axxb'],
      ['a?b', 'axb'],
      ['a*b', 'ab'],
      ['a?b', 'ab'],
    ] as const) {
      assert.equal(m([{ text: p, wild: true }], t), compileGlob(p)(t));
    }
  });

  test('literal pieces: * and ? are plain characters', () => {
    const lit = (text: string): PatternPiece => ({ text, wild: false });
    assert.equal(m([lit('Bob*')], 'Bob*'), true);
    assert.equal(m([lit('Bob*')], 'BobTwo'), false);
    assert.equal(m([lit('Bob*')], 'Bob'), false);
    assert.equal(m([lit('a?c')], 'a?c'), true);
    assert.equal(m([lit('a?c')], 'abc'), false);
    assert.equal(m([lit('*')], '*'), true);
    assert.equal(m([lit('*')], ''), false);
    assert.equal(m([lit('*')], 'x'), false);
  });

  test('literal text between wild pieces', () => {
    const pieces: PatternPiece[] = [
      { text: 'home/', wild: true },
      { text: 'Bob*', wild: false },
      { text: '/*', wild: true },
    ];
    assert.equal(m(pieces, 'home/Bob*/file'), true);
    assert.equal(m(pieces, 'home/Bob*/'), true);
    assert.equal(m(pieces, 'home/BobTwo/file'), false);
    assert.equal(m(pieces, 'home/Bob/file'), false);
  });

  test('wild pieces keep their wildcards next to literal pieces', () => {
    const pieces: PatternPiece[] = [
      { text: 'test', wild: true },
      { text: 'Bob*', wild: false },
    ];
    assert.equal(m(pieces, 'testBob*'), true);
    assert.equal(m(pieces, 'testBobTwo'), false);

    const around: PatternPiece[] = [
      { text: '*-', wild: true },
      { text: '?', wild: false },
      { text: '-?', wild: true },
    ];
    assert.equal(m(around, 'x-?-y'), true);
    assert.equal(m(around, 'anything-?-z'), true);
    assert.equal(m(around, 'x-a-y'), false, 'literal ? must not match `a`');
    assert.equal(m(around, 'x-?-'), false, 'wild ? needs one character');
  });

  test('literal ? next to wild ? in the same segment', () => {
    const pieces: PatternPiece[] = [
      { text: '?', wild: false },
      { text: '?', wild: true },
    ];
    assert.equal(m(pieces, '?x'), true);
    assert.equal(m(pieces, '??'), true);
    assert.equal(m(pieces, 'xx'), false);
    assert.equal(m(pieces, '?'), false);
  });

  test('literal * inside a middle segment', () => {
    const pieces: PatternPiece[] = [
      { text: '*a', wild: true },
      { text: '*', wild: false },
      { text: 'b*', wild: true },
    ];
    assert.equal(m(pieces, 'xxa*byy'), true);
    assert.equal(m(pieces, 'a*b'), true);
    assert.equal(m(pieces, 'axxb'), false);
    assert.equal(m(pieces, 'ab'), false);
  });

  test('empty pieces', () => {
    assert.equal(m([], ''), true);
    assert.equal(m([], 'a'), false);
    assert.equal(m([{ text: '', wild: false }], ''), true);
    assert.equal(m([{ text: '', wild: true }, { text: 'x', wild: false }], 'x'), true);
  });

  test('ignoreCase applies to literal pieces too', () => {
    const pieces: PatternPiece[] = [
      { text: 'Home/', wild: true },
      { text: 'BOB', wild: false },
      { text: '*', wild: true },
    ];
    assert.equal(m(pieces, 'home/bob/x', true), true);
    assert.equal(m(pieces, 'home/bob/x', false), false);
    assert.equal(m(pieces, 'Home/BOB/x', false), true);
  });
});

describe('compileGlob: pathological patterns finish with correct answers', () => {
  // Correctness only: a backtracking matcher would take exponential time here, but this
  // suite never asserts on timing.
  const long = 'a'.repeat(5000);

  test('*a*a*a*…b against a long run of a', () => {
    const pattern = '*a'.repeat(30) + '*b';
    assert.equal(compileGlob(pattern)(long), false);
    assert.equal(compileGlob(pattern)(long + 'b'), true);
    assert.equal(compileGlob(pattern)('a'.repeat(29) + 'b'), false, 'needs 30 a before the b');
    assert.equal(compileGlob(pattern)('a'.repeat(30) + 'b'), true);
  });

  test('a*a*a*…a*b with a trailing star', () => {
    const pattern = 'a*'.repeat(25) + 'b*';
    assert.equal(compileGlob(pattern)(long), false);
    assert.equal(compileGlob(pattern)(long + 'bxyz'), true);
  });

  test('?-heavy middle segments', () => {
    const pattern = '*a?a*'.repeat(20) + 'b';
    assert.equal(compileGlob(pattern)(long), false);
    assert.equal(compileGlob(pattern)(long + 'b'), true);
  });

  test('ignoreCase variant', () => {
    const pattern = '*A'.repeat(30) + '*B';
    assert.equal(compileGlob(pattern, true)(long), false);
    assert.equal(compileGlob(pattern, true)(long + 'b'), true);
  });
});

describe('compileGlob: agrees with a regex reference on many cases', () => {
  test('exhaustive small alphabet', () => {
    // All patterns of length <= 4 over {a, b, *, ?} against all texts of length <= 5 over {a, b}.
    const patternAlphabet = ['a', 'b', '*', '?'];
    const textAlphabet = ['a', 'b'];
    const all = (alphabet: string[], max: number): string[] => {
      const out = [''];
      let frontier = [''];
      for (let n = 1; n <= max; n++) {
        frontier = frontier.flatMap((s) => alphabet.map((c) => s + c));
        out.push(...frontier);
      }
      return out;
    };
    const patterns = all(patternAlphabet, 4);
    const texts = all(textAlphabet, 5);
    let mismatches = 0;
    const first: string[] = [];
    for (const p of patterns) {
      const m = compileGlob(p);
      const mi = compileGlob(p.toUpperCase(), true);
      for (const t of texts) {
        const want = reference(p, t);
        if (m(t) !== want || mi(t) !== want) {
          mismatches++;
          if (first.length < 5) first.push(`${p} ~ ${t}: want ${want}`);
        }
      }
    }
    assert.equal(mismatches, 0, first.join('\n'));
  });
});
