import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { assetPath } from '../paths/project-assets.js';
import { platformSchema, type Platform } from '../platform.js';

export const OSQUERY_VERSION = '5.23.1';


const columnSchema = z.object({
  name: z.string(),
  type: z.enum(['text', 'integer', 'bigint', 'unsigned_bigint', 'double']),
  description: z.string(),
  hidden: z.boolean(),
  required: z.boolean(),
  index: z.boolean(),
});
export type OsqueryColumnSchema = z.infer<typeof columnSchema>;

const tableSchema = z.object({
  name: z.string(),
  description: z.string(),
  platforms: z.array(platformSchema),
  evented: z.boolean(),
  columns: z.array(columnSchema),
});
export type OsqueryTableSchema = z.infer<typeof tableSchema>;

const schemaFileSchema = z.object({ version: z.string(), tables: z.array(tableSchema) });

let cached: OsqueryTableSchema[] | undefined;

/** osquery's table schema for the pinned version (assets/osquery/schema-<version>.json). */
export function osqueryTables(): OsqueryTableSchema[] {
  if (!cached) {
    const file = assetPath('osquery', `schema-${OSQUERY_VERSION}.json`);
    cached = schemaFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).tables;
  }
  return cached;
}

export function osqueryTablesFor(platform: Platform): OsqueryTableSchema[] {
  return osqueryTables().filter((table) => table.platforms.includes(platform));
}

/** osquery's platform name for a Node platform, or undefined where osquery does not run. */
export function osqueryPlatformOf(nodePlatform: NodeJS.Platform): Platform | undefined {
  switch (nodePlatform) {
    case 'darwin':
      return 'darwin';
    case 'linux':
      return 'linux';
    case 'win32':
      return 'windows';
    default:
      return undefined;
  }
}
