// Layers: PublishLayerVersion, GetLayerVersion, GetLayerVersionByArn, ListLayers,
// ListLayerVersions, DeleteLayerVersion. A layer version's policy can share it with other
// accounts (GetLayerVersion is the one action it grants).

import { AwsError } from '../../aws/errors.js';
import type { OperationContext, ServiceOperations } from '../operation.js';
import { anyResource, layerVersionCheck } from './access.js';
import { resolveLayerName } from './permissions.js';
import {
  codeSha256,
  lambdaTimestamp,
  layerArn,
  layerKey,
  layerVersionKey,
  requireZip,
  type LayerHeadDoc,
  type LayerVersionDoc,
} from './resources.js';

const LAYER_VERSION_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):(\d+)$/;

export interface LayerRef {
  accountId: string;
  region: string;
  name: string;
  key: string;
  arn: string;
}

/** A layer by name or ARN (another account's ARN names its layer). */
export function resolveLayer(ctx: OperationContext<unknown>, layerName: string): LayerRef {
  const { layerName: name, accountId, region } = resolveLayerName(layerName, ctx.region, ctx.caller.accountId);
  return { accountId, region, name, key: layerKey(accountId, region, name), arn: layerArn(region, accountId, name) };
}

export function parseLayerVersionArn(arn: string): { layer: LayerRef; version: number } | null {
  const m = LAYER_VERSION_ARN.exec(arn);
  if (!m) return null;
  const [, region, accountId, name, version] = m as unknown as [string, string, string, string, string];
  return { layer: { accountId, region, name, key: layerKey(accountId, region, name), arn: layerArn(region, accountId, name) }, version: Number(version) };
}

export const layerVersionNotFound = (arn: string) => new AwsError('ResourceNotFoundException', `Layer version ${arn} does not exist.`, 404);

function layerVersionShape(ctx: OperationContext<unknown>, d: LayerVersionDoc) {
  return {
    Content: {
      Location: `${ctx.baseUrl}${ctx.deps.codeLinks?.sign(d.CodeSha256) ?? ''}`,
      CodeSha256: d.CodeSha256,
      CodeSize: d.CodeSize,
    },
    LayerArn: d.LayerArn,
    LayerVersionArn: d.LayerVersionArn,
    Description: d.Description,
    CreatedDate: d.CreatedDate,
    Version: d.Version,
    ...(d.CompatibleRuntimes ? { CompatibleRuntimes: d.CompatibleRuntimes } : {}),
    ...(d.LicenseInfo ? { LicenseInfo: d.LicenseInfo } : {}),
    ...(d.CompatibleArchitectures ? { CompatibleArchitectures: d.CompatibleArchitectures } : {}),
  };
}

function requireVersionNumber(version: number): void {
  if (version < 1) throw new AwsError('InvalidParameterValueException', 'Layer Version Cannot be less than 1', 400);
}

async function getVersion(ctx: OperationContext<unknown>, layer: LayerRef, version: number) {
  requireVersionNumber(version);
  const doc = await ctx.deps.store.lambdaGet<LayerVersionDoc>('layerVersion', layerVersionKey(layer.key, version));
  // GetLayerVersion answers with the generic text (recorded); the policy operations name the ARN.
  if (!doc) throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
  return layerVersionShape(ctx, doc);
}

type VersionInput = { LayerName: string; VersionNumber: number };

export const layerOperations: ServiceOperations = {
  PublishLayerVersion: {
    authorize: (ctx: OperationContext<{ LayerName: string }>) => {
      const layer = resolveLayer(ctx, ctx.input.LayerName);
      if (layer.accountId !== ctx.caller.accountId) throw new AwsError('AccessDeniedException', '', 403);
      return [{ action: 'lambda:PublishLayerVersion', resource: layer.arn }];
    },
    async handle(
      ctx: OperationContext<{
        LayerName: string;
        Description?: string;
        Content: { ZipFile?: Buffer; S3Bucket?: string; S3Key?: string };
        CompatibleRuntimes?: string[];
        CompatibleArchitectures?: string[];
        LicenseInfo?: string;
      }>,
    ) {
      const { input, deps } = ctx;
      const layer = resolveLayer(ctx, input.LayerName);
      if (input.Content?.S3Bucket || input.Content?.S3Key) {
        throw new AwsError('InvalidParameterValueException', 'Latchkey accepts layer content as ZipFile only; S3Bucket/S3Key are not supported.', 400);
      }
      const zip = input.Content?.ZipFile;
      if (!zip) throw new AwsError('InvalidParameterValueException', 'Please provide a source for layer content.', 400);
      requireZip(zip);
      const sha = codeSha256(zip);
      await deps.store.putCode(sha, zip);
      const created = lambdaTimestamp(deps.now());
      const doc = await deps.store.lambdaTransact(async (tx) => {
        const head = (await tx.get<LayerHeadDoc>('layerVersion', layer.key)) ?? { kind: 'head', lastVersion: 0 };
        const version = head.lastVersion + 1;
        const d: LayerVersionDoc = {
          accountId: layer.accountId,
          region: layer.region,
          layerName: layer.name,
          LayerArn: layer.arn,
          LayerVersionArn: `${layer.arn}:${version}`,
          Version: version,
          Description: input.Description ?? '',
          CreatedDate: created,
          ...(input.CompatibleRuntimes ? { CompatibleRuntimes: input.CompatibleRuntimes } : {}),
          ...(input.CompatibleArchitectures ? { CompatibleArchitectures: input.CompatibleArchitectures } : {}),
          ...(input.LicenseInfo ? { LicenseInfo: input.LicenseInfo } : {}),
          CodeSha256: sha,
          CodeSize: zip.length,
        };
        await tx.put('layerVersion', layer.key, { kind: 'head', lastVersion: version } satisfies LayerHeadDoc);
        await tx.put('layerVersion', layerVersionKey(layer.key, version), d);
        return d;
      });
      return layerVersionShape(ctx, doc);
    },
  },

  GetLayerVersion: {
    authorize: (ctx: OperationContext<VersionInput>) => {
      const layer = resolveLayer(ctx, ctx.input.LayerName);
      return layerVersionCheck(ctx, 'GetLayerVersion', `${layer.arn}:${ctx.input.VersionNumber}`, layer.accountId);
    },
    handle: (ctx) => getVersion(ctx, resolveLayer(ctx, ctx.input.LayerName), ctx.input.VersionNumber),
  },

  // Not an IAM action of its own: it is authorized as lambda:GetLayerVersion.
  GetLayerVersionByArn: {
    authorize: (ctx: OperationContext<{ Arn: string }>) => {
      const parsed = parseLayerVersionArn(ctx.input.Arn);
      if (!parsed) throw new AwsError('ValidationException', `1 validation error detected: Value '${ctx.input.Arn}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+`, 400);
      return layerVersionCheck(ctx, 'GetLayerVersion', ctx.input.Arn, parsed.layer.accountId);
    },
    handle: (ctx) => {
      const parsed = parseLayerVersionArn(ctx.input.Arn)!;
      return getVersion(ctx, parsed.layer, parsed.version);
    },
  },

  ListLayers: {
    authorize: anyResource('ListLayers'),
    async handle(ctx: OperationContext<{ CompatibleRuntime?: string; CompatibleArchitecture?: string }>) {
      const prefix = `${ctx.caller.accountId}:${ctx.region}:`;
      const docs = await ctx.deps.store.lambdaView(async (tx) => tx.list<LayerVersionDoc | LayerHeadDoc>('layerVersion', prefix));
      const latest = new Map<string, LayerVersionDoc>();
      for (const d of docs) {
        if ('kind' in d) continue;
        if (ctx.input.CompatibleRuntime && !d.CompatibleRuntimes?.includes(ctx.input.CompatibleRuntime)) continue;
        if (ctx.input.CompatibleArchitecture && !d.CompatibleArchitectures?.includes(ctx.input.CompatibleArchitecture)) continue;
        const seen = latest.get(d.LayerArn);
        if (!seen || seen.Version < d.Version) latest.set(d.LayerArn, d);
      }
      return {
        Layers: [...latest.values()].map((d) => {
          const { Content: _content, LayerArn: _arn, ...summary } = layerVersionShape(ctx, d);
          return { LayerName: d.layerName, LayerArn: d.LayerArn, LatestMatchingVersion: summary };
        }),
      };
    },
  },

  ListLayerVersions: {
    authorize: (ctx: OperationContext<{ LayerName: string }>) => {
      const layer = resolveLayer(ctx, ctx.input.LayerName);
      if (layer.accountId !== ctx.caller.accountId) throw new AwsError('AccessDeniedException', '', 403);
      return [{ action: 'lambda:ListLayerVersions', resource: '*' }];
    },
    async handle(ctx) {
      const layer = resolveLayer(ctx, ctx.input.LayerName);
      const docs = await ctx.deps.store.lambdaView(async (tx) => tx.list<LayerVersionDoc>('layerVersion', `${layer.key}#`));
      return {
        LayerVersions: docs
          .sort((a, b) => b.Version - a.Version)
          .map((d) => {
            const { Content: _content, LayerArn: _arn, ...summary } = layerVersionShape(ctx, d);
            return summary;
          }),
      };
    },
  },

  DeleteLayerVersion: {
    authorize: (ctx: OperationContext<VersionInput>) => {
      const layer = resolveLayer(ctx, ctx.input.LayerName);
      if (layer.accountId !== ctx.caller.accountId) throw new AwsError('AccessDeniedException', '', 403);
      return [{ action: 'lambda:DeleteLayerVersion', resource: `${layer.arn}:${ctx.input.VersionNumber}` }];
    },
    async handle(ctx) {
      const layer = resolveLayer(ctx, ctx.input.LayerName);
      requireVersionNumber(ctx.input.VersionNumber);
      // Deleting a version that does not exist succeeds, as on AWS. Functions that already use
      // the version keep it (AWS: "Functions that use the layer version can still access it");
      // no one else sees it again.
      await ctx.deps.store.lambdaTransact(async (tx) => {
        const key = layerVersionKey(layer.key, ctx.input.VersionNumber);
        const doc = await tx.get<LayerVersionDoc>('layerVersion', key);
        if (doc) await tx.put('retiredLayerVersion', key, doc);
        await tx.delete('layerVersion', key);
        await tx.delete('policy', `${layer.arn}:${ctx.input.VersionNumber}`);
      });
      return undefined;
    },
  },
};
