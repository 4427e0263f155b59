// Tags on functions: TagResource, UntagResource, ListTags. They feed aws:ResourceTag/*.

import { AwsError } from '../../aws/errors.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { functionCheck } from './access.js';
import { LambdaErrors, newRevisionId, resolveFunction, type FunctionDoc } from './resources.js';

/** Tags live on the function; a qualified ARN is not a taggable resource. */
function taggable(ctx: OperationContext<{ Resource: string }>) {
  const ref = resolveFunction(ctx, ctx.input.Resource);
  if (ref.qualifier !== undefined) {
    throw new AwsError('InvalidParameterValueException', 'Tags on function aliases and versions are not supported. Please specify a function ARN.', 400);
  }
  return ref;
}

/** A function carries at most 50 tags (recorded texts). */
export function checkTagCount(existing: Record<string, string>, added: Record<string, string> | undefined): void {
  if (Object.keys({ ...existing, ...(added ?? {}) }).length > 50) {
    throw new AwsError('InvalidParameterValueException', 'Number of tags exceeds resource tag limit.', 400);
  }
}

export const tagOperations: ServiceOperations = {
  TagResource: {
    authorize: (ctx: OperationContext<{ Resource: string; Tags: Record<string, string> }>) => {
      const keys = Object.keys(ctx.input.Tags ?? {});
      return functionCheck(ctx, 'TagResource', taggable(ctx), {
        'aws:TagKeys': keys,
        ...Object.fromEntries(Object.entries(ctx.input.Tags ?? {}).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
      });
    },
    async handle(ctx) {
      const ref = taggable(ctx);
      if (Object.keys(ctx.input.Tags ?? {}).length === 0) {
        throw new AwsError('InvalidParameterValueException', 'An error occurred and the request cannot be processed.', 400);
      }
      await ctx.deps.store.lambdaTransact(async (tx) => {
        const fn = await tx.get<FunctionDoc>('function', ref.key);
        if (!fn) throw LambdaErrors.functionNotFound(ref.arn);
        checkTagCount(fn.tags, ctx.input.Tags);
        // Tagging changes the function's RevisionId (recorded).
        await tx.put('function', ref.key, { ...fn, tags: { ...fn.tags, ...ctx.input.Tags }, configuration: { ...fn.configuration, RevisionId: newRevisionId() } });
      });
      return undefined;
    },
  },

  UntagResource: {
    authorize: (ctx: OperationContext<{ Resource: string; TagKeys: string[] }>) =>
      functionCheck(ctx, 'UntagResource', taggable(ctx), { 'aws:TagKeys': ctx.input.TagKeys ?? [] }),
    async handle(ctx) {
      const ref = taggable(ctx);
      await ctx.deps.store.lambdaTransact(async (tx) => {
        const fn = await tx.get<FunctionDoc>('function', ref.key);
        if (!fn) throw LambdaErrors.functionNotFound(ref.arn);
        const tags = { ...fn.tags };
        for (const k of ctx.input.TagKeys ?? []) delete tags[k];
        await tx.put('function', ref.key, { ...fn, tags, configuration: { ...fn.configuration, RevisionId: newRevisionId() } });
      });
      return undefined;
    },
  },

  ListTags: {
    authorize: (ctx: OperationContext<{ Resource: string }>) => functionCheck(ctx, 'ListTags', taggable(ctx)),
    async handle(ctx) {
      const ref = taggable(ctx);
      const fn = await ctx.deps.store.lambdaGet<FunctionDoc>('function', ref.key);
      if (!fn) throw LambdaErrors.functionNotFound(ref.arn);
      return { Tags: fn.tags };
    },
  },
};
