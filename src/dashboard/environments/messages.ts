/** What a redirect back to an environment or webhook page may report; anything else in the query is ignored. */
export const DONE_MESSAGES = {
  "environment-created": "The environment was created.",
  "policy-saved": "The policy was saved.",
  "variables-saved": "The variables were saved.",
  "freeze-added": "The freeze window was added.",
  "freeze-removed": "The freeze window was removed.",
  "limits-saved": "The rate limits and budget were saved.",
  "egress-saved": "The egress allowlist was saved.",
  "secret-set": "The secret was stored, encrypted. Its value is never shown again.",
  "secret-deleted": "The secret was deleted.",
  "webhook-deleted": "The webhook and its delivery log were deleted.",
  redelivered: "The delivery was queued to be sent again.",
} as const;
export type Done = keyof typeof DONE_MESSAGES;

/** Fixed messages for refusals, by problem code: the query names a code, never the text shown. */
export const REFUSALS: Record<string, string> = {
  INSUFFICIENT_SCOPE: "Refused: this key may not make that change.",
  NOT_FOUND: "Refused: that no longer exists, or this key may not see it.",
  DELIVERY_PENDING: "Refused: that delivery is still being attempted; wait for it to succeed or fail.",
  WEBHOOK_INACTIVE: "Refused: the webhook is inactive, so nothing would be sent.",
  OTHER: "Refused: the change could not be made.",
};

/** The notice a page shows for its `?done=` or `?refused=` query. */
export function noticeOf(query: { done?: string | undefined; refused?: string | undefined }): { done?: string; error?: string } {
  if (query.done !== undefined && query.done in DONE_MESSAGES) return { done: DONE_MESSAGES[query.done as Done] };
  if (query.refused !== undefined) return { error: REFUSALS[query.refused] ?? REFUSALS.OTHER };
  return {};
}

/** The `?refused=` value for a failure's code. */
export const refusedCode = (code: string) => encodeURIComponent(code in REFUSALS ? code : "OTHER");
