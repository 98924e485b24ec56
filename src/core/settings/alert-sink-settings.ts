import { z } from 'zod';
import { checkEndpoint, checkNtfyTopicUrl } from '../notify/endpoint.js';

/** Names the shells' own sinks use; a configured destination cannot take them. */
export const LOCAL_SINK_IDS = ['desktop', 'stdout'] as const;

const sinkId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, - and _ (at most 40)')
  .refine((id) => !(LOCAL_SINK_IDS as readonly string[]).includes(id), 'this name belongs to the built-in notifications');

/** A URL the endpoint rules accept; their reason otherwise. */
function endpoint(check: (url: string) => unknown) {
  return z.string().superRefine((url, ctx) => {
    try {
      check(url);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });
}

/**
 * Where alerts go besides the shell's own: an ntfy topic or a webhook. Tokens and signing secrets
 * are not here but in `<data dir>/secrets/<id>`.
 */
export const alertSinkSettingSchema = z.discriminatedUnion('kind', [
  z.object({
    id: sinkId,
    kind: z.literal('ntfy'),
    /** The topic's address, `https://ntfy.sh/your-topic`. */
    url: endpoint(checkNtfyTopicUrl),
    /** What a click on the phone's notification opens (ntfy's Click header). */
    click: endpoint(checkEndpoint).nullable().default(null),
  }),
  z.object({ id: sinkId, kind: z.literal('webhook'), url: endpoint(checkEndpoint) }),
]);

export type AlertSinkSetting = z.infer<typeof alertSinkSettingSchema>;

export const alertSinksSettingSchema = z
  .array(alertSinkSettingSchema)
  .max(20)
  .superRefine((sinks, ctx) => {
    const seen = new Set<string>();
    for (const [index, sink] of sinks.entries()) {
      if (seen.has(sink.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `"${sink.id}" is used twice` });
      seen.add(sink.id);
    }
  })
  .default([]);
