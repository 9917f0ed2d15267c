import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Every error the API answers with, by stable code. The code is the contract;
 * titles are for people and may be reworded.
 */
export const problemCatalog = {
  VALIDATION_FAILED: { status: 400, title: "The request is not valid" },
  MALFORMED_JSON: { status: 400, title: "The request body is not valid JSON" },
  UNAUTHENTICATED: { status: 401, title: "A valid API key is required" },
  OIDC_TOKEN_REJECTED: { status: 401, title: "The OIDC token was not accepted" },
  INSUFFICIENT_SCOPE: { status: 403, title: "The API key lacks a scope this operation needs" },
  SELF_APPROVAL: { status: 403, title: "A promotion's requester cannot approve it" },
  NOT_FOUND: { status: 404, title: "Not found" },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  DOCUMENT_INDEX_NAME_TAKEN: { status: 409, title: "The environment already has an index with this name" },
  ENVIRONMENT_NAME_TAKEN: { status: 409, title: "An environment with this name already exists" },
  ENVIRONMENT_HAS_RELEASES: { status: 409, title: "An environment with release history cannot be deleted" },
  SANDBOX_NAME_TAKEN: { status: 409, title: "A sandbox with this name already exists" },
  TEST_SUITE_NAME_TAKEN: { status: 409, title: "A test suite with this name already exists" },
  DEPLOYMENT_NAME_TAKEN: { status: 409, title: "Another sandbox already deploys under this name" },
  DEPLOYMENT_NAME_MISMATCH: { status: 409, title: "This sandbox already deploys under another name" },
  ENVIRONMENT_PROTECTED: { status: 409, title: "The environment is protected: releases reach it only by promotion" },
  TAG_IS_IMMUTABLE: { status: 409, title: "Semantic version tags are write-once" },
  TAG_IS_SYSTEM: { status: 409, title: "LATEST is managed by Stagecraft and cannot be set" },
  NO_PREVIOUS_RELEASE: { status: 409, title: "There is no earlier release to revert to" },
  RELEASE_ALREADY_LIVE: { status: 409, title: "That release is already the live one" },
  ROLLOUT_IN_PROGRESS: { status: 409, title: "A rollout is deciding what this environment serves" },
  NO_STABLE_RELEASE: { status: 409, title: "Nothing is live yet to measure a candidate against" },
  ROLLOUT_ENDED: { status: 409, title: "The rollout has ended" },
  ROLLOUT_PAUSED: { status: 409, title: "The rollout is already paused" },
  ROLLOUT_RUNNING: { status: 409, title: "The rollout is not paused" },
  ROLLOUT_UNCHANGED: { status: 409, title: "The rollout's state did not change" },
  SCHEDULED_RELEASE_CLOSED: { status: 409, title: "The scheduled release has already fired or been cancelled" },
  PROMOTION_REQUEST_CLOSED: { status: 409, title: "The promotion request is no longer pending" },
  PROMOTION_ALREADY_REQUESTED: { status: 409, title: "The release already has an open promotion request into this environment" },
  DELIVERY_PENDING: { status: 409, title: "The webhook delivery is still being attempted" },
  WEBHOOK_INACTIVE: { status: 409, title: "The webhook is inactive" },
  ALREADY_APPROVED: { status: 409, title: "This key has already approved the promotion request" },
  CHANGE_FREEZE: { status: 409, title: "A change-freeze window is in force in the environment" },
  TEST_GATE_FAILED: { status: 409, title: "The release has not passed its deployment's test suites" },
  IDEMPOTENT_REQUEST_IN_PROGRESS: { status: 409, title: "A request with this Idempotency-Key is still running" },
  API_KEY_INACTIVE: { status: 409, title: "The API key is revoked, expired or already rotated" },
  CONCURRENT_MODIFICATION: { status: 409, title: "The resource was changed concurrently; retry the request" },
  PRECONDITION_FAILED: { status: 412, title: "If-Match does not name the current release" },
  STALE_REVISION: { status: 412, title: "If-Match does not name the current revision" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "The request body is too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "The request body must be application/json" },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: "This Idempotency-Key was used with a different request" },
  SPEC_INVALID: { status: 422, title: "The spec cannot work as written" },
  UNPROCESSABLE: { status: 422, title: "The request cannot be processed" },
  UPSTREAM_RATE_LIMITED: { status: 429, title: "The model provider is rate limiting; retry after the time given" },
  RATE_LIMITED: { status: 429, title: "Too many invocations for the key or the environment; retry after the time given" },
  BUDGET_EXHAUSTED: { status: 429, title: "The environment's daily budget is spent" },
  INTERNAL_ERROR: { status: 500, title: "Internal error" },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemCode = keyof typeof problemCatalog;

/** One offending input, named by its path (`body.scopes[2]`, `query.limit`, `header.authorization`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * The single error type of the API. Throw it (or return it from a service as
 * a value and throw it at the HTTP edge); the error handler renders it as
 * RFC 9457 problem+json.
 *
 * @example
 * throw new ApiError("NOT_FOUND", "No environment named \"qa\"");
 */
export class ApiError extends Error {
  readonly code: ProblemCode;
  readonly status: ContentfulStatusCode;
  readonly errors: FieldIssue[] | undefined;

  constructor(code: ProblemCode, detail?: string, errors?: FieldIssue[]) {
    super(detail ?? problemCatalog[code].title);
    this.code = code;
    this.status = problemCatalog[code].status;
    this.errors = errors;
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  request_id: string;
  errors?: FieldIssue[];
}

export function problemBody(error: ApiError, requestId: string): ProblemBody {
  return {
    type: `urn:stagecraft:problem:${error.code.toLowerCase().replaceAll("_", "-")}`,
    title: problemCatalog[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    request_id: requestId,
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
