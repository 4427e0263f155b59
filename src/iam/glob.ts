// IAM wildcard matching: `*` is any run of characters (also none), `?` exactly one.
//
// A pattern is cut at its stars into segments. The first segment must sit at the start of
// the text, the last at the end, and the middle ones are found left to right, each at its
// leftmost position after the previous one. Taking the leftmost place is always safe with
// `*` between segments, so the matcher never backtracks: the cost is bounded by
// text length × segment length, and patterns such as `*a*a*a*…b` cannot blow up.

/** A piece of pattern text; wildcard characters in it are wildcards only when `wild`. */
export interface PatternPiece {
  text: string;
  wild: boolean;
}

interface Segment {
  text: string;
  /** Positions holding a `?` wildcard, or null when the segment is plain text. */
  anyChar: boolean[] | null;
}

export type Matcher = (text: string) => boolean;

const matchAll: Matcher = () => true;

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Compiles a pattern in which every `*` and `?` is a wildcard. */
export function compileGlob(pattern: string, ignoreCase = false): Matcher {
  return compileGlobPieces([{ text: pattern, wild: true }], ignoreCase);
}

/**
 * Compiles a pattern made of pieces; used when policy variables put literal text (whose
 * `*` and `?` must not act as wildcards) between wildcard text.
 */
export function compileGlobPieces(pieces: readonly PatternPiece[], ignoreCase = false): Matcher {
  const segments: Segment[] = [{ text: '', anyChar: null }];
  let sawStar = false;
  const append = (ch: string, anyChar: boolean) => {
    const seg = segments[segments.length - 1]!;
    if (anyChar) {
      seg.anyChar ??= new Array<boolean>(seg.text.length).fill(false);
    }
    seg.anyChar?.push(anyChar);
    seg.text += anyChar ? '?' : ch;
  };
  for (const piece of pieces) {
    const text = ignoreCase ? piece.text.toLowerCase() : piece.text;
    if (!piece.wild) {
      for (let i = 0; i < text.length; i++) append(text[i]!, false);
      continue;
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '*') {
        sawStar = true;
        segments.push({ text: '', anyChar: null });
      } else {
        append(ch, ch === '?');
      }
    }
  }

  if (!sawStar) {
    const only = segments[0]!;
    if (only.anyChar === null) {
      const literal = only.text;
      return ignoreCase ? (t) => t.toLowerCase() === literal : (t) => t === literal;
    }
    return withCase(ignoreCase, (t) => t.length === only.text.length && segmentAt(t, 0, only));
  }
  if (segments.every((s) => s.text === '')) return matchAll;

  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1).filter((s) => s.text !== '');
  const minLength = segments.reduce((n, s) => n + s.text.length, 0);

  if (middle.length === 0 && first.anyChar === null && last.anyChar === null) {
    // The common shapes: `prefix*`, `*suffix`, `prefix*suffix`.
    const p = first.text;
    const s = last.text;
    return withCase(ignoreCase, (t) => t.length >= minLength && t.startsWith(p) && t.endsWith(s));
  }

  return withCase(ignoreCase, (t) => {
    if (t.length < minLength) return false;
    if (!segmentAt(t, 0, first)) return false;
    const end = t.length - last.text.length;
    if (!segmentAt(t, end, last)) return false;
    let pos = first.text.length;
    for (const seg of middle) {
      const at = findSegment(t, seg, pos, end);
      if (at < 0) return false;
      pos = at + seg.text.length;
    }
    return true;
  });
}

function withCase(ignoreCase: boolean, m: Matcher): Matcher {
  return ignoreCase ? (t) => m(t.toLowerCase()) : m;
}

function segmentAt(t: string, at: number, seg: Segment): boolean {
  if (seg.anyChar === null) return t.startsWith(seg.text, at);
  const s = seg.text;
  for (let i = 0; i < s.length; i++) {
    if (!seg.anyChar[i] && t.charCodeAt(at + i) !== s.charCodeAt(i)) return false;
  }
  return at + s.length <= t.length;
}

/** Leftmost position >= from where seg fits entirely before `end`, or -1. */
function findSegment(t: string, seg: Segment, from: number, end: number): number {
  const limit = end - seg.text.length;
  if (seg.anyChar === null) {
    const at = t.indexOf(seg.text, from);
    return at >= 0 && at <= limit ? at : -1;
  }
  for (let at = from; at <= limit; at++) {
    if (segmentAt(t, at, seg)) return at;
  }
  return -1;
}
