import type { QueueMessage } from "../context";
import { runBatch } from "../db/batch";
import { openDatabase } from "../db/client";
import { touchApiKey } from "../repositories/api-keys";

/**
 * The events queue consumer: writes what the request path only enqueued.
 * A batch is acknowledged as a whole; on failure the queue redelivers it, and
 * every write here is idempotent, so a redelivery is harmless.
 */
export async function consumeEvents(batch: MessageBatch<QueueMessage>, env: Env): Promise<void> {
  const db = openDatabase(env.DB);
  const latestUse = new Map<string, { workspaceId: string; at: string }>();
  for (const { body } of batch.messages) {
    if (body.type === "api_key.used") {
      const seen = latestUse.get(body.key_id);
      if (!seen || seen.at < body.at) latestUse.set(body.key_id, { workspaceId: body.workspace_id, at: body.at });
    }
  }
  await runBatch(
    db,
    [...latestUse].map(([keyId, use]) => touchApiKey(db, use.workspaceId, keyId, use.at)),
  );
  batch.ackAll();
}
