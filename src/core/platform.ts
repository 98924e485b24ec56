import { z } from 'zod';

/** The operating systems osquery, its schema and Porchlight's checks tell apart. */
export const platformSchema = z.enum(['darwin', 'linux', 'windows']);
export type Platform = z.infer<typeof platformSchema>;
