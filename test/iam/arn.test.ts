// Unit tests for ARN splitting, parsing and matching (src/iam/arn.ts).
// Spec: reference/iam-evaluation.md §5.3 (ARN operators: six colon-delimited
// components, each matched separately, case-sensitive) and §6.2 (the resource field spans
// colons; short patterns; `*` alone matches everything).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { ARN_FIELDS, compileArnPattern, compileArnPieces, parseArn, splitArn } from '../../src/iam/arn.js';
import type { PatternPiece } from '../../src/iam/glob.js';

function check(pattern: string, yes: string[], no: string[]): void {
  const m = compileArnPattern(pattern);
  for (const t of yes) assert.equal(m(t), true, `${pattern} should match ${t}`);
  for (const t of no) assert.equal(m(t), false, `${pattern} should not match ${t}`);
}

const FN = 'arn:aws:lambda:us-east-1:111111111111:function:my-function';

describe('splitArn', () => {
  test('splits at the first five colons only', () => {
    assert.deepEqual(splitArn(FN), ['arn', 'aws', 'lambda', 'us-east-1', '111111111111', 'function:my-function']);
    assert.deepEqual(splitArn('arn:aws:lambda:us-east-1:111111111111:function:f:1'), [
      'arn',
      'aws',
      'lambda',
      'us-east-1',
      '111111111111',
      'function:f:1',
    ]);
  });

  test('empty fields are kept', () => {
    assert.deepEqual(splitArn('arn:aws:s3:::bucket/key'), ['arn', 'aws', 's3', '', '', 'bucket/key']);
    assert.deepEqual(splitArn('arn:aws:iam::111111111111:user/bob'), ['arn', 'aws', 'iam', '', '111111111111', 'user/bob']);
    assert.deepEqual(splitArn(':::::'), ['', '', '', '', '', '']);
    assert.deepEqual(splitArn('arn:aws:s3:::'), ['arn', 'aws', 's3', '', '', '']);
  });

  test('fewer fields are returned as they are', () => {
    assert.deepEqual(splitArn(''), ['']);
    assert.deepEqual(splitArn('*'), ['*']);
    assert.deepEqual(splitArn('arn:aws:s3'), ['arn', 'aws', 's3']);
    assert.deepEqual(splitArn('a:b:c:d:e'), ['a', 'b', 'c', 'd', 'e']);
  });

  test('ARN_FIELDS is six', () => {
    assert.equal(ARN_FIELDS, 6);
  });
});

describe('parseArn', () => {
  test('parses a Lambda function ARN', () => {
    assert.deepEqual(parseArn(FN), {
      partition: 'aws',
      service: 'lambda',
      region: 'us-east-1',
      account: '111111111111',
      resource: 'function:my-function',
    });
  });

  test('resource keeps its colons and slashes', () => {
    assert.equal(parseArn('arn:aws:lambda:us-east-1:111111111111:function:f:$LATEST')?.resource, 'function:f:$LATEST');
    assert.equal(parseArn('arn:aws:iam::111111111111:role/path/to/r')?.resource, 'role/path/to/r');
  });

  test('empty region and account', () => {
    assert.deepEqual(parseArn('arn:aws:s3:::b/k'), { partition: 'aws', service: 's3', region: '', account: '', resource: 'b/k' });
  });

  test('other partitions', () => {
    assert.equal(parseArn('arn:aws-cn:lambda:cn-north-1:111111111111:function:f')?.partition, 'aws-cn');
    assert.equal(parseArn('arn:aws-us-gov:s3:::b')?.partition, 'aws-us-gov');
  });

  test('not an ARN', () => {
    assert.equal(parseArn(''), null);
    assert.equal(parseArn('*'), null);
    assert.equal(parseArn('arn:aws:s3'), null);
    assert.equal(parseArn('arn:aws:s3::'), null);
    assert.equal(parseArn('s3.amazonaws.com'), null);
    assert.equal(parseArn('111111111111'), null);
    assert.equal(parseArn('nra:aws:s3:::b'), null, 'must start with arn');
    assert.equal(parseArn('ARN:aws:s3:::b'), null, 'the arn prefix is lower case');
  });
});

describe('compileArnPattern: literal patterns', () => {
  test('exact match only', () => {
    check(FN, [FN], [FN + 'x', FN + ':1', FN.slice(0, -1), '', '*']);
  });

  test('case-sensitive in every field', () => {
    check(
      FN,
      [],
      [
        'ARN:aws:lambda:us-east-1:111111111111:function:my-function',
        'arn:AWS:lambda:us-east-1:111111111111:function:my-function',
        'arn:aws:Lambda:us-east-1:111111111111:function:my-function',
        'arn:aws:lambda:US-EAST-1:111111111111:function:my-function',
        'arn:aws:lambda:us-east-1:111111111111:Function:my-function',
        'arn:aws:lambda:us-east-1:111111111111:function:My-Function',
      ],
    );
    check('arn:aws:s3:::Bucket/*', ['arn:aws:s3:::Bucket/k'], ['arn:aws:s3:::bucket/k']);
  });
});

describe('compileArnPattern: wildcards', () => {
  test('lone * matches anything, even non-ARNs', () => {
    check('*', [FN, 'arn:aws:s3:::b', '', 'not an arn', '111111111111'], []);
  });

  test('wildcard in the resource field', () => {
    check(
      'arn:aws:lambda:us-east-1:111111111111:function:my-*',
      [FN, 'arn:aws:lambda:us-east-1:111111111111:function:my-'],
      ['arn:aws:lambda:us-east-1:111111111111:function:other', 'arn:aws:lambda:us-east-1:222222222222:function:my-function'],
    );
  });

  test('resource field * spans colons (function:f* matches function:f:1)', () => {
    check(
      'arn:aws:lambda:us-east-1:111111111111:function:f*',
      [
        'arn:aws:lambda:us-east-1:111111111111:function:f',
        'arn:aws:lambda:us-east-1:111111111111:function:f:1',
        'arn:aws:lambda:us-east-1:111111111111:function:foo:$LATEST',
        'arn:aws:lambda:us-east-1:111111111111:function:f:alias:x',
      ],
      ['arn:aws:lambda:us-east-1:111111111111:function:g:1'],
    );
    // Same with a wildcard in an earlier field, so the field-by-field path is taken too.
    check(
      'arn:aws:lambda:*:111111111111:function:f*',
      ['arn:aws:lambda:eu-west-1:111111111111:function:f:1', 'arn:aws:lambda:us-east-1:111111111111:function:f'],
      ['arn:aws:lambda:eu-west-1:111111111111:function:g:1'],
    );
  });

  test('* in the resource field spans slashes', () => {
    check('arn:aws:s3:::b/*', ['arn:aws:s3:::b/', 'arn:aws:s3:::b/k', 'arn:aws:s3:::b/a/b/c', 'arn:aws:s3:::b/a:b'], [
      'arn:aws:s3:::b',
      'arn:aws:s3:::c/k',
    ]);
  });

  test('? in the resource field matches a colon', () => {
    check('arn:aws:lambda:us-east-1:111111111111:function:f?1', ['arn:aws:lambda:us-east-1:111111111111:function:f:1'], [
      'arn:aws:lambda:us-east-1:111111111111:function:f:11',
    ]);
  });

  test('* in region and account', () => {
    check(
      'arn:aws:lambda:*:*:function:f',
      ['arn:aws:lambda:us-east-1:111111111111:function:f', 'arn:aws:lambda:eu-west-1:222222222222:function:f', 'arn:aws:lambda:::function:f'],
      ['arn:aws:lambda:us-east-1:111111111111:function:g', 'arn:aws:s3:us-east-1:111111111111:function:f'],
    );
  });

  test('* in the first five fields never crosses a colon', () => {
    // `*` in region must not swallow the account.
    check(
      'arn:aws:lambda:*:111111111111:function:f',
      ['arn:aws:lambda:us-east-1:111111111111:function:f'],
      [
        'arn:aws:lambda:us-east-1:999999999999:111111111111:function:f',
        'arn:aws:lambda:us-east-1:x:111111111111:function:f',
      ],
    );
    check('arn:aws:*:us-east-1:111111111111:function:f', ['arn:aws:lambda:us-east-1:111111111111:function:f'], [
      'arn:aws:lambda:extra:us-east-1:111111111111:function:f',
    ]);
    check('arn:*:s3:::b', ['arn:aws:s3:::b', 'arn:aws-cn:s3:::b'], ['arn:aws:x:s3:::b']);
  });

  test('spec example: ArnLike does not let * in region cross into other fields', () => {
    check(
      'arn:aws:someservice:*:111122223333:finance/*',
      ['arn:aws:someservice:us-east-2:111122223333:finance/document.txt'],
      ['arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt'],
    );
  });

  test('partial wildcards inside a head field', () => {
    check(
      'arn:aws:lambda:us-*-1:1111*:function:f',
      ['arn:aws:lambda:us-east-1:111111111111:function:f', 'arn:aws:lambda:us-west-1:111122223333:function:f'],
      ['arn:aws:lambda:us-west-2:111111111111:function:f', 'arn:aws:lambda:eu-west-1:111111111111:function:f', 'arn:aws:lambda:us-east-1:211111111111:function:f'],
    );
    check('arn:aws:lambda:us-east-?:111111111111:function:f', ['arn:aws:lambda:us-east-1:111111111111:function:f'], [
      'arn:aws:lambda:us-east-:111111111111:function:f',
      'arn:aws:lambda:us-east-10:111111111111:function:f',
    ]);
  });

  test('a wildcard head field may match an empty field', () => {
    check('arn:aws:s3:*:*:b', ['arn:aws:s3:::b'], []);
  });

  test('the text must have six fields when the pattern has a wildcard head', () => {
    check('arn:aws:*:*:*:*', ['arn:aws:s3:::', 'arn:aws:s3:::b', FN], ['arn:aws:s3::', 'arn:aws:s3', 'arn:aws']);
  });

  test('case-sensitive with wildcards', () => {
    check('arn:aws:lambda:*:111111111111:function:F*', ['arn:aws:lambda:us-east-1:111111111111:function:Foo'], [
      'arn:aws:lambda:us-east-1:111111111111:function:foo',
    ]);
    check('arn:aws:s3:::b/K*', ['arn:aws:s3:::b/Key'], ['arn:aws:s3:::b/key']);
  });
});

describe('compileArnPattern: short patterns are padded with *', () => {
  test('arn:aws:s3 ≡ arn:aws:s3:*:*:*', () => {
    check('arn:aws:s3', ['arn:aws:s3:::b', 'arn:aws:s3:us-east-1:111111111111:x:y'], ['arn:aws:lambda:::b', 'arn:aws:s3x:::b']);
  });

  test('arn:aws:lambda:us-east-1', () => {
    check('arn:aws:lambda:us-east-1', [FN, 'arn:aws:lambda:us-east-1:222222222222:layer:l:1'], [
      'arn:aws:lambda:us-west-2:111111111111:function:f',
    ]);
  });

  test('five fields pad the resource', () => {
    check('arn:aws:lambda:us-east-1:111111111111', [FN, 'arn:aws:lambda:us-east-1:111111111111:'], [
      'arn:aws:lambda:us-east-1:222222222222:function:f',
    ]);
  });

  test('padded patterns still need six fields in the text', () => {
    check('arn:aws:s3', [], ['arn:aws:s3', 'arn:aws:s3:', 'arn:aws:s3::']);
  });

  test('arn:* matches every ARN', () => {
    check('arn:*', [FN, 'arn:aws:s3:::b'], ['arn:aws:s3', 'nope']);
  });
});

describe('compileArnPieces', () => {
  const wild = (text: string): PatternPiece => ({ text, wild: true });
  const lit = (text: string): PatternPiece => ({ text, wild: false });
  const m = (pieces: PatternPiece[], text: string) => compileArnPieces(pieces)(text);

  test('a single wild piece behaves like compileArnPattern', () => {
    const patterns = [
      'arn:aws:lambda:*:111111111111:function:f*',
      'arn:aws:lambda:us-east-1:111111111111:function:f',
      'arn:aws:s3:::b/*',
      'arn:aws:s3',
      'arn:aws:someservice:*:111122223333:finance/*',
    ];
    const texts = [
      FN,
      'arn:aws:lambda:us-east-1:111111111111:function:f',
      'arn:aws:lambda:us-east-1:111111111111:function:f:1',
      'arn:aws:s3:::b/k',
      'arn:aws:s3:::b',
      'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt',
      'arn:aws:someservice:us-east-2:111122223333:finance/document.txt',
      'arn:aws:s3',
    ];
    for (const p of patterns) {
      for (const t of texts) {
        assert.equal(m([wild(p)], t), compileArnPattern(p)(t), `${p} vs ${t}`);
      }
    }
  });

  test('literal piece in the resource field: wildcards in it are literal', () => {
    const pieces = [wild('arn:aws:s3:::home/'), lit('Bob*'), wild('/*')];
    assert.equal(m(pieces, 'arn:aws:s3:::home/Bob*/x'), true);
    assert.equal(m(pieces, 'arn:aws:s3:::home/BobTwo/x'), false);
  });

  test('a literal piece holding a whole ARN is split into fields', () => {
    const pieces = [lit('arn:aws:lambda:us-east-1:111111111111:function:f')];
    assert.equal(m(pieces, 'arn:aws:lambda:us-east-1:111111111111:function:f'), true);
    assert.equal(m(pieces, 'arn:aws:lambda:us-east-1:111111111111:function:g'), false);
  });

  test('a literal piece with * does not act as a wildcard in a head field', () => {
    const pieces = [wild('arn:aws:iam::'), lit('*'), wild(':user/bob')];
    assert.equal(m(pieces, 'arn:aws:iam::*:user/bob'), true);
    assert.equal(m(pieces, 'arn:aws:iam::111111111111:user/bob'), false);
  });

  test('a literal piece in the account field', () => {
    const pieces = [wild('arn:aws:iam::'), lit('111111111111'), wild(':role/*')];
    assert.equal(m(pieces, 'arn:aws:iam::111111111111:role/r'), true);
    assert.equal(m(pieces, 'arn:aws:iam::222222222222:role/r'), false);
  });

  test('colons inside the resource literal stay in the resource field', () => {
    const pieces = [wild('arn:aws:lambda:us-east-1:111111111111:'), lit('function:f:1')];
    assert.equal(m(pieces, 'arn:aws:lambda:us-east-1:111111111111:function:f:1'), true);
    assert.equal(m(pieces, 'arn:aws:lambda:us-east-1:111111111111:function:f'), false);
  });

  test('short piece lists are padded with *', () => {
    assert.equal(m([wild('arn:aws:'), lit('s3')], 'arn:aws:s3:::b'), true);
    assert.equal(m([wild('arn:aws:'), lit('s3')], 'arn:aws:sqs:::b'), false);
  });

  test('wildcards in head fields still do not cross colons', () => {
    const pieces = [wild('arn:aws:someservice:*:'), lit('111122223333'), wild(':finance/*')];
    assert.equal(m(pieces, 'arn:aws:someservice:us-east-2:111122223333:finance/document.txt'), true);
    assert.equal(m(pieces, 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt'), false);
  });

  test('case-sensitive', () => {
    const pieces = [wild('arn:aws:s3:::'), lit('Bucket'), wild('/*')];
    assert.equal(m(pieces, 'arn:aws:s3:::Bucket/k'), true);
    assert.equal(m(pieces, 'arn:aws:s3:::bucket/k'), false);
  });
});
