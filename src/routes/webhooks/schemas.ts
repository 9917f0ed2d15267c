import { z } from "@hono/zod-openapi";
import { idParams, Timestamp } from "../../http/openapi";
import { notClearable } from "../../http/patch-fields";
import { ALL_EVENTS, webhookEventTypes } from "../../webhooks/event-types";

const WebhookUrl = z
  .url({ protocol: /^https?$/, error: "Must be an http or https URL" })
  .max(2048)
  .refine((url) => {
    // Zod runs this check even when the URL check above failed; that failure is reported already.
    const parsed = URL.parse(url);
    return parsed === null || (parsed.username === "" && parsed.password === "");
  }, "Must not carry credentials; the signature authenticates each request")
  .openapi({ example: "https://example.com/hooks/stagecraft" });

const EventType = z.enum([...webhookEventTypes, ALL_EVENTS]).openapi({ description: "An event type, or `*` for every type (including types added later)" });

const Events = z
  .array(EventType)
  .min(1)
  .max(webhookEventTypes.length + 1)
  .transform((events) => [...new Set(events)])
  .openapi({ example: ["release.promoted", "release.reverted"] });

const fields = {
  url: WebhookUrl,
  events: Events,
  description: z.string().max(500),
  active: z.boolean().openapi({ description: "An inactive webhook gets no new deliveries" }),
};

export const CreateWebhookBody = z
  .strictObject({
    url: fields.url,
    events: fields.events.optional().openapi({ description: 'The event types to send; default `["*"]`, every type' }),
    description: fields.description.optional(),
    active: fields.active.optional(),
  })
  .openapi("CreateWebhook");

export const UpdateWebhookBody = z
  .strictObject({
    url: notClearable(fields.url).optional(),
    events: notClearable(fields.events).optional(),
    description: fields.description.nullable().optional().openapi({ description: "null clears it" }),
    active: notClearable(fields.active).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "Name at least one field to change")
  .openapi("UpdateWebhook");

export const WebhookSchema = z
  .object({
    id: z.string().openapi({ example: "whk_01jdz8k2m3n4p5q6r7s8t9v0w1" }),
    environment: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string(),
    active: z.boolean(),
    created_at: Timestamp,
    created_by: z.string(),
    updated_at: Timestamp,
  })
  .openapi("Webhook", { description: "A webhook, without its signing secret" });

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().openapi({ description: "The signing secret (Standard Webhooks). Shown once, never again.", example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
}).openapi("CreatedWebhook");

export const DeliverySchema = z
  .object({
    id: z.string().openapi({ example: "whd_01jdz8k2m3n4p5q6r7s8t9v0w1" }),
    webhook_id: z.string(),
    event_id: z.string().openapi({ description: "The event's id, also sent as the `webhook-id` header" }),
    event_type: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.array(
      z.object({
        at: Timestamp,
        status: z.number().int().nullable().openapi({ description: "The receiver's HTTP status; null when no response came" }),
        error: z.string().nullable(),
        duration_ms: z.number(),
      }),
    ),
    next_attempt_at: Timestamp.nullable(),
    created_at: Timestamp,
    delivered_at: Timestamp.nullable(),
    payload: z.unknown().openapi({ description: "The JSON body sent" }),
  })
  .openapi("WebhookDelivery");

export const WebhookParams = idParams("The webhook's id (`whk_…`)");

export const DeliveryParams = WebhookParams.extend({
  delivery_id: z
    .string()
    .max(64)
    .openapi({ param: { name: "delivery_id", in: "path" }, description: "The delivery's id (`whd_…`)" }),
});
