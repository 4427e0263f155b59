// Aliases: CreateAlias, GetAlias, UpdateAlias (with one additional weighted version),
// DeleteAlias, ListAliases.

import { AwsError } from '../../aws/errors.js';
import { ModeledAwsError } from '../../aws/model.js';
import type { LambdaTransaction } from '../../store/store.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { functionCheck } from './access.js';
import { aliasKey, LambdaErrors, newRevisionId, resolveFunction, versionKey, type AliasDoc, type FunctionDoc } from './resources.js';

type RoutingConfig = { AdditionalVersionWeights?: Record<string, number> };

interface AliasInput {
  FunctionName: string;
  Name: string;
  FunctionVersion?: string;
  Description?: string;
  RoutingConfig?: RoutingConfig;
  RevisionId?: string;
}

const aliasName = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;

function validateName(name: string) {
  if (!aliasName.test(name)) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`,
      400,
    );
  }
}

async function requireVersion(tx: LambdaTransaction, fnKey: string, unqualifiedArn: string, version: string): Promise<void> {
  if (version === '$LATEST') return;
  if (!/^\d+$/.test(version) || !(await tx.get('version', versionKey(fnKey, version)))) {
    throw LambdaErrors.functionNotFound(`${unqualifiedArn}:${version}`);
  }
}

async function checkRouting(tx: LambdaTransaction, fnKey: string, arn: string, version: string, routing: RoutingConfig | undefined): Promise<void> {
  const weights = routing?.AdditionalVersionWeights;
  if (!weights || Object.keys(weights).length === 0) return;
  if (Object.keys(weights).length > 1) {
    throw new AwsError('InvalidParameterValueException', 'Number of items in AdditionalVersionWeights cannot be greater than 1', 400);
  }
  if (version === '$LATEST') {
    // Recorded: this one error has only `message`, no `Type`.
    throw new ModeledAwsError('InvalidParameterValueException', '$LATEST is not supported for an alias pointing to more than 1 version', 400, { Type: null });
  }
  for (const v of Object.keys(weights)) {
    if (v === version) {
      throw new AwsError('InvalidParameterValueException', `Invalid function version ${v}. Function version ${v} is already included in routing configuration.`, 400);
    }
    await requireVersion(tx, fnKey, arn, v);
  }
}

const aliasRef = (ctx: OperationContext<{ FunctionName: string; Name: string }>) => {
  const ref = resolveFunction(ctx, ctx.input.FunctionName);
  return { ...ref, qualifier: ctx.input.Name, resourceArn: `${ref.arn}:${ctx.input.Name}` };
};

export const aliasOperations: ServiceOperations = {
  CreateAlias: {
    authorize: (ctx: OperationContext<AliasInput>) => functionCheck(ctx, 'CreateAlias', aliasRef(ctx)),
    async handle(ctx) {
      const { input } = ctx;
      validateName(input.Name);
      const ref = resolveFunction(ctx, input.FunctionName);
      return ctx.deps.store.lambdaTransact(async (tx) => {
        const version = input.FunctionVersion ?? '$LATEST';
        // Recorded: the error names the version the alias was to point to.
        if (!(await tx.get<FunctionDoc>('function', ref.key))) throw LambdaErrors.functionNotFound(`${ref.arn}:${version}`);
        await requireVersion(tx, ref.key, ref.arn, version);
        await checkRouting(tx, ref.key, ref.arn, version, input.RoutingConfig);
        const key = aliasKey(ref.key, input.Name);
        const arn = `${ref.arn}:${input.Name}`;
        if (await tx.get('alias', key)) throw new AwsError('ResourceConflictException', `Alias already exists: ${arn}`, 409);
        const alias: AliasDoc = {
          AliasArn: arn,
          Name: input.Name,
          FunctionVersion: version,
          Description: input.Description ?? '',
          ...(input.RoutingConfig?.AdditionalVersionWeights && Object.keys(input.RoutingConfig.AdditionalVersionWeights).length > 0
            ? { RoutingConfig: { AdditionalVersionWeights: input.RoutingConfig.AdditionalVersionWeights } }
            : {}),
          RevisionId: newRevisionId(),
        };
        await tx.put('alias', key, alias);
        return { ...alias };
      });
    },
  },

  GetAlias: {
    authorize: (ctx: OperationContext<AliasInput>) => functionCheck(ctx, 'GetAlias', aliasRef(ctx)),
    async handle(ctx) {
      const ref = resolveFunction(ctx, ctx.input.FunctionName);
      const alias = await ctx.deps.store.lambdaGet<AliasDoc>('alias', aliasKey(ref.key, ctx.input.Name));
      if (!alias) throw new AwsError('ResourceNotFoundException', `Cannot find alias arn: ${ref.arn}:${ctx.input.Name}`, 404);
      return { ...alias };
    },
  },

  UpdateAlias: {
    authorize: (ctx: OperationContext<AliasInput>) => functionCheck(ctx, 'UpdateAlias', aliasRef(ctx)),
    async handle(ctx) {
      const { input } = ctx;
      const ref = resolveFunction(ctx, input.FunctionName);
      return ctx.deps.store.lambdaTransact(async (tx) => {
        const key = aliasKey(ref.key, input.Name);
        const alias = await tx.get<AliasDoc>('alias', key);
        if (!alias) throw new AwsError('ResourceNotFoundException', `Alias not found: ${ref.arn}:${input.Name}`, 404);
        if (input.RevisionId !== undefined && input.RevisionId !== alias.RevisionId) throw LambdaErrors.revisionMismatch();
        const version = input.FunctionVersion ?? alias.FunctionVersion;
        await requireVersion(tx, ref.key, ref.arn, version);
        const routing = input.RoutingConfig ?? alias.RoutingConfig;
        await checkRouting(tx, ref.key, ref.arn, version, routing);
        const next: AliasDoc = {
          AliasArn: alias.AliasArn,
          Name: alias.Name,
          FunctionVersion: version,
          Description: input.Description ?? alias.Description,
          ...(routing?.AdditionalVersionWeights && Object.keys(routing.AdditionalVersionWeights).length > 0
            ? { RoutingConfig: { AdditionalVersionWeights: routing.AdditionalVersionWeights } }
            : {}),
          RevisionId: newRevisionId(),
        };
        await tx.put('alias', key, next);
        return { ...next };
      });
    },
  },

  DeleteAlias: {
    authorize: (ctx: OperationContext<AliasInput>) => functionCheck(ctx, 'DeleteAlias', aliasRef(ctx)),
    async handle(ctx) {
      const ref = resolveFunction(ctx, ctx.input.FunctionName);
      // Deleting an alias that does not exist succeeds (recorded 204).
      await ctx.deps.store.lambdaTransact(async (tx) => {
        await tx.delete('alias', aliasKey(ref.key, ctx.input.Name));
        await tx.delete('policy', `${ref.arn}:${ctx.input.Name}`);
      });
      return undefined;
    },
  },

  ListAliases: {
    authorize: (ctx: OperationContext<{ FunctionName: string }>) => functionCheck(ctx, 'ListAliases', resolveFunction(ctx, ctx.input.FunctionName)),
    async handle(ctx: OperationContext<{ FunctionName: string; FunctionVersion?: string; Marker?: string; MaxItems?: number }>) {
      const ref = resolveFunction(ctx, ctx.input.FunctionName);
      const aliases = await ctx.deps.store.lambdaView(async (tx) => {
        if (!(await tx.get('function', ref.key))) throw LambdaErrors.functionNotFound(ref.arn);
        return tx.list<AliasDoc>('alias', `${ref.key}:`);
      });
      const filtered = ctx.input.FunctionVersion ? aliases.filter((a) => a.FunctionVersion === ctx.input.FunctionVersion) : aliases;
      const start = ctx.input.Marker ? Number(ctx.input.Marker) : 0;
      const size = ctx.input.MaxItems ?? 50;
      const next = start + size < filtered.length ? String(start + size) : undefined;
      return { Aliases: filtered.slice(start, start + size), ...(next ? { NextMarker: next } : {}) };
    },
  },
};
