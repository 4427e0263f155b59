// The private channel between an execution environment and Latchkey's own runtime clients (the
// Node and Python bootstraps): a socket pair the process gets as file descriptor 3. It carries
// what the Runtime API carries — "next", an invocation, a response, an error, an init error —
// as frames with no HTTP around them. A warm invoke over the Runtime API took four HTTP messages
// over loopback TCP (the held GET /next answered, POST /response and its 202, the next GET), and
// the socket writes were a third of the server's CPU per invoke; over the channel it is one
// write each way. Nothing else can reach the pair: it is inherited, never listened on.
// `provided` runtimes, and anything in a function that calls AWS_LAMBDA_RUNTIME_API, still
// have the HTTP Runtime API.
//
// A frame: the byte length of a JSON head and of a body (uint32, big-endian), the head, the
// body. The bootstraps carry their own few lines of the same (they import only built-ins).

/** The descriptor the runtime clients find the channel on. */
export const CHANNEL_FD = 3;
/** A head is a few hundred bytes; anything near this is not one of our runtimes talking. */
const MAX_HEAD_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

export interface Frame {
  head: Record<string, unknown>;
  body: Buffer;
  /** The body is longer than the reader takes: `body` is empty, and the body is skipped as it arrives. */
  tooLarge: boolean;
}

/** The frame as buffers to write in one go (a corked socket sends them in one writev). */
export function encodeFrame(head: Record<string, unknown>, body: Buffer = EMPTY): [Buffer, Buffer] {
  const json = JSON.stringify(head);
  const headBytes = Buffer.byteLength(json);
  const start = Buffer.allocUnsafe(8 + headBytes);
  start.writeUInt32BE(headBytes, 0);
  start.writeUInt32BE(body.length, 4);
  start.write(json, 8);
  return [start, body];
}

/**
 * Reads frames from a stream of chunks. A body over `maxBody` is skipped as it arrives rather
 * than held (the process on the other end is the function's, so hostile); a head that is not
 * one is a protocol violation, after which nothing more is read.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private sizes?: { head: number; body: number };
  /** How much is left of a too-large body being skipped. */
  private skipping = 0;
  private broken = false;

  constructor(
    private readonly maxBody: number,
    private readonly onFrame: (frame: Frame) => void,
    private readonly onViolation: (reason: string) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.broken) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.broken) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, this.buffered);
        this.take(n);
        this.skipping -= n;
        if (this.skipping > 0) return;
      }
      if (!this.sizes) {
        if (this.buffered < 8) return;
        const prefix = this.take(8);
        this.sizes = { head: prefix.readUInt32BE(0), body: prefix.readUInt32BE(4) };
        if (this.sizes.head > MAX_HEAD_BYTES) return this.violate(`a frame head of ${this.sizes.head} bytes`);
      }
      const { head: headBytes, body: bodyBytes } = this.sizes;
      const tooLarge = bodyBytes > this.maxBody;
      if (this.buffered < headBytes + (tooLarge ? 0 : bodyBytes)) return;
      const head = this.parseHead(this.take(headBytes));
      if (!head) return;
      this.sizes = undefined;
      if (tooLarge) {
        // Said at once: the runtime may never finish sending it.
        this.skipping = bodyBytes;
        this.onFrame({ head, body: EMPTY, tooLarge: true });
      } else {
        this.onFrame({ head, body: this.take(bodyBytes), tooLarge: false });
      }
    }
  }

  private parseHead(bytes: Buffer): Record<string, unknown> | undefined {
    try {
      const head: unknown = JSON.parse(bytes.toString('utf8'));
      if (head && typeof head === 'object' && !Array.isArray(head)) return head as Record<string, unknown>;
    } catch { /* reported below */ }
    this.violate('a frame head that is not a JSON object');
    return undefined;
  }

  private violate(reason: string): void {
    this.broken = true;
    this.chunks = [];
    this.buffered = 0;
    this.onViolation(reason);
  }

  /** The next `n` buffered bytes (n <= buffered), copied only when they span chunks. */
  private take(n: number): Buffer {
    if (n === 0) return EMPTY;
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const part = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, part);
      filled += part;
      if (part === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part);
    }
    return out;
  }
}
