// Function URL configurations: CreateFunctionUrlConfig, GetFunctionUrlConfig,
// UpdateFunctionUrlConfig, DeleteFunctionUrlConfig, ListFunctionUrlConfigs, with the
// recorded texts of their errors (lambda-permissions-recorded.md §5.1). A URL belongs to the
// function or to one of its aliases; its id (32 characters, as AWS's) is what the HTTP side
// looks requests up by (urlInvoke.ts).

import { randomBytes } from 'node:crypto';
import { AwsError } from '../../aws/errors.js';
import type { LambdaReader, LambdaTransaction } from '../../store/store.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { functionCheck } from './access.js';
import { aliasKey, resolveFunction, type AliasDoc, type FunctionDoc, type FunctionRef } from './resources.js';

export type FunctionUrlAuthType = 'NONE' | 'AWS_IAM';

export interface FunctionUrlDoc {
  urlId: string;
  accountId: string;
  region: string;
  functionName: string;
  /** The alias the URL belongs to; absent for the function's own URL. */
  qualifier?: string;
  FunctionArn: string;
  AuthType: FunctionUrlAuthType;
  Cors?: Record<string, unknown>;
  /** Only what the caller set: Create and Update echo InvokeMode only then (recorded). */
  InvokeMode?: string;
  CreationTime: string;
  LastModifiedTime: string;
}

/** Where a URL id points. */
interface UrlIdDoc {
  key: string;
}

/** `|` cannot occur in a function name, so one function's URLs list together without its namesakes' (`f` vs `f2`). */
export const urlKey = (fnKey: string, qualifier: string | undefined) => `${fnKey}|${qualifier ?? ''}`;

/** ISO-8601 with microseconds, the form Lambda's URL timestamps take (a guess: the recordings mask them). */
function urlTimestamp(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * The URL a client uses. On AWS: `https://<id>.lambda-url.<region>.on.aws/`; here the same
 * host under `.localhost` on Latchkey's own port, which resolves to this machine without any
 * DNS set-up in browsers and curl (the path form `/lambda-url/<id>/` works everywhere).
 */
export function functionUrlOf(baseUrl: string, doc: Pick<FunctionUrlDoc, 'urlId' | 'region'>): string {
  const base = new URL(baseUrl);
  return `${base.protocol}//${doc.urlId}.lambda-url.${doc.region}.localhost${base.port ? `:${base.port}` : ''}/`;
}

export async function findUrlById(tx: LambdaReader, urlId: string): Promise<FunctionUrlDoc | null> {
  const pointer = await tx.get<UrlIdDoc>('urlId', urlId);
  return pointer ? tx.get<FunctionUrlDoc>('url', pointer.key) : null;
}

/** Removes every URL of a function (DeleteFunction); an alias's URL outlives the alias alone (recorded). */
export async function deleteFunctionUrls(tx: LambdaTransaction, fnKey: string): Promise<void> {
  for (const doc of await tx.list<FunctionUrlDoc>('url', `${fnKey}|`)) {
    await tx.delete('urlId', doc.urlId);
    await tx.delete('url', urlKey(fnKey, doc.qualifier));
  }
}

const functionDoesNotExist = () => new AwsError('ResourceNotFoundException', 'Function does not exist', 404);
const resourceDoesNotExist = () => new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);

/** The function (and alias) a URL request names must exist; `missing` is the operation's not-found error. */
async function requireTarget(tx: LambdaReader, ref: FunctionRef, missing: () => AwsError): Promise<void> {
  if (!(await tx.has('function', ref.key))) throw missing();
  if (ref.qualifier !== undefined && !(await tx.get<AliasDoc>('alias', aliasKey(ref.key, ref.qualifier)))) throw missing();
}

/** The URL a request names; `missing` answers for a missing function or alias, the config's absence is always the generic not-found. */
async function existingUrl(tx: LambdaReader, ref: FunctionRef, missing: () => AwsError): Promise<FunctionUrlDoc> {
  await requireTarget(tx, ref, missing);
  const doc = await tx.get<FunctionUrlDoc>('url', urlKey(ref.key, ref.qualifier));
  if (!doc) throw resourceDoesNotExist();
  return doc;
}

function view(doc: FunctionUrlDoc, baseUrl: string, fields: 'created' | 'updated' | 'full'): Record<string, unknown> {
  return {
    FunctionUrl: functionUrlOf(baseUrl, doc),
    FunctionArn: doc.FunctionArn,
    AuthType: doc.AuthType,
    ...(doc.Cors ? { Cors: doc.Cors } : {}),
    CreationTime: doc.CreationTime,
    ...(fields !== 'created' ? { LastModifiedTime: doc.LastModifiedTime } : {}),
    ...(fields === 'full' ? { InvokeMode: doc.InvokeMode ?? 'BUFFERED' } : doc.InvokeMode ? { InvokeMode: doc.InvokeMode } : {}),
  };
}

interface UrlInput {
  FunctionName: string;
  Qualifier?: string;
  AuthType?: FunctionUrlAuthType;
  Cors?: Record<string, unknown>;
  InvokeMode?: string;
}

const target = (ctx: OperationContext<UrlInput>) => resolveFunction(ctx, ctx.input.FunctionName, ctx.input.Qualifier);
/** The URL actions carry the auth type in their request context (lambda-authz.md §3). */
const urlCheck = (action: string) => (ctx: OperationContext<UrlInput>) =>
  functionCheck(ctx, action, target(ctx), ctx.input.AuthType ? { 'lambda:FunctionUrlAuthType': ctx.input.AuthType } : {});

export const functionUrlOperations: ServiceOperations = {
  CreateFunctionUrlConfig: {
    authorize: urlCheck('CreateFunctionUrlConfig'),
    async handle(ctx: OperationContext<UrlInput>) {
      const ref = target(ctx);
      const now = urlTimestamp(ctx.deps.now());
      const doc = await ctx.deps.store.lambdaTransact(async (tx) => {
        await requireTarget(tx, ref, functionDoesNotExist);
        const key = urlKey(ref.key, ref.qualifier);
        if (await tx.has('url', key)) {
          throw new AwsError(
            'ResourceConflictException',
            `Failed to create function url config for [functionArn = ${ref.resourceArn}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
            409,
          );
        }
        const created: FunctionUrlDoc = {
          urlId: randomBytes(16).toString('hex'),
          accountId: ref.accountId,
          region: ref.region,
          functionName: ref.name,
          ...(ref.qualifier !== undefined ? { qualifier: ref.qualifier } : {}),
          FunctionArn: ref.resourceArn,
          AuthType: ctx.input.AuthType!,
          ...(ctx.input.Cors ? { Cors: ctx.input.Cors } : {}),
          ...(ctx.input.InvokeMode ? { InvokeMode: ctx.input.InvokeMode } : {}),
          CreationTime: now,
          LastModifiedTime: now,
        };
        await tx.put('url', key, created);
        await tx.put('urlId', created.urlId, { key } satisfies UrlIdDoc);
        return created;
      });
      return view(doc, ctx.baseUrl, 'created');
    },
  },

  GetFunctionUrlConfig: {
    authorize: urlCheck('GetFunctionUrlConfig'),
    async handle(ctx: OperationContext<UrlInput>) {
      const ref = target(ctx);
      const doc = await ctx.deps.store.lambdaView(async (tx) => existingUrl(tx, ref, resourceDoesNotExist));
      return view(doc, ctx.baseUrl, 'full');
    },
  },

  UpdateFunctionUrlConfig: {
    authorize: urlCheck('UpdateFunctionUrlConfig'),
    async handle(ctx: OperationContext<UrlInput>) {
      const ref = target(ctx);
      const now = urlTimestamp(ctx.deps.now());
      const doc = await ctx.deps.store.lambdaTransact(async (tx) => {
        const current = await existingUrl(tx, ref, functionDoesNotExist);
        const { AuthType, Cors, InvokeMode } = ctx.input;
        const updated: FunctionUrlDoc = {
          ...current,
          ...(AuthType ? { AuthType } : {}),
          ...(Cors ? { Cors } : {}),
          ...(InvokeMode ? { InvokeMode } : {}),
          LastModifiedTime: now,
        };
        await tx.put('url', urlKey(ref.key, ref.qualifier), updated);
        return updated;
      });
      return view(doc, ctx.baseUrl, 'updated');
    },
  },

  DeleteFunctionUrlConfig: {
    authorize: urlCheck('DeleteFunctionUrlConfig'),
    async handle(ctx: OperationContext<UrlInput>) {
      const ref = target(ctx);
      await ctx.deps.store.lambdaTransact(async (tx) => {
        const current = await existingUrl(tx, ref, resourceDoesNotExist);
        await tx.delete('urlId', current.urlId);
        await tx.delete('url', urlKey(ref.key, ref.qualifier));
      });
      return undefined;
    },
  },

  ListFunctionUrlConfigs: {
    authorize: (ctx: OperationContext<UrlInput>) => functionCheck(ctx, 'ListFunctionUrlConfigs', resolveFunction(ctx, ctx.input.FunctionName)),
    async handle(ctx: OperationContext<UrlInput & { Marker?: string; MaxItems?: number }>) {
      const ref = resolveFunction(ctx, ctx.input.FunctionName);
      const docs = await ctx.deps.store.lambdaView(async (tx) => {
        if (!(await tx.get<FunctionDoc>('function', ref.key))) throw functionDoesNotExist();
        return tx.list<FunctionUrlDoc>('url', `${ref.key}|`);
      });
      const start = ctx.input.Marker ? Math.max(0, docs.findIndex((d) => d.urlId === ctx.input.Marker)) : 0;
      const size = ctx.input.MaxItems ?? 50;
      const page = docs.slice(start, start + size);
      const next = docs[start + size];
      return { FunctionUrlConfigs: page.map((d) => view(d, ctx.baseUrl, 'full')), ...(next ? { NextMarker: next.urlId } : {}) };
    },
  },
};
