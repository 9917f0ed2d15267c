import { z } from "@hono/zod-openapi";
import { idParams, PaginationQuery, Timestamp } from "../../http/openapi";
import { notClearable } from "../../http/patch-fields";
import { Assertion, MAX_ASSERTIONS, MAX_CASES, TestCaseInput } from "../../specs/test-case-spec";

const TestSuiteName = z.string().trim().min(1).max(100);
const Description = z.string().max(2000);
const Cases = z
  .array(TestCaseInput)
  .max(MAX_CASES)
  .openapi({ description: `At most ${MAX_CASES} cases, each with at most ${MAX_ASSERTIONS} assertions` });

const Deployment = z.string().min(1).max(100).nullable().openapi({
  description: "The deployment the suite tests, by id or name: environments with a test gate require its releases to pass this suite. null: a suite for sandbox drafts only",
  example: "faq",
});

export const CreateTestSuiteBody = z
  .strictObject({ name: TestSuiteName, description: Description.optional(), deployment: Deployment.optional(), cases: Cases })
  .openapi("CreateTestSuite");

export const UpdateTestSuiteBody = z
  .strictObject({
    name: notClearable(TestSuiteName).optional(),
    description: Description.nullable().optional().openapi({ description: "null clears it" }),
    deployment: Deployment.optional(),
    cases: notClearable(Cases).optional().openapi({ description: "Replaces every case; send a case's `id` back to keep it" }),
  })
  .openapi("UpdateTestSuite");

const TestCase = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    inputs: z.record(z.string(), z.unknown()),
    expected: z.unknown().optional(),
    assertions: z.array(Assertion),
  })
  .openapi("TestCase");

export const TestSuiteSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    deployment_id: z.string().nullable().openapi({ description: "The deployment the suite tests; null for a suite of sandbox drafts only" }),
    deployment: z.string().nullable().openapi({ description: "That deployment's name" }),
    revision: z.number().int(),
    cases: z.array(TestCase),
    created_at: Timestamp,
    created_by: z.string(),
    updated_at: Timestamp,
    updated_by: z.string(),
  })
  .openapi("TestSuite");

export const TestSuiteParams = idParams("The test suite's id (`ts_…`)");

export const ListTestSuitesQuery = PaginationQuery.extend({
  deployment: z.string().min(1).max(100).optional().openapi({ description: "Only the suites of this deployment (id or name)" }),
});

export const RunTestSuiteBody = z
  .strictObject({
    release_id: z.string().max(64).optional().openapi({ description: "A release to test, in its own environment" }),
    sandbox_id: z.string().max(64).optional().openapi({ description: "A sandbox whose draft to test instead" }),
    sandbox_revision: z.number().int().min(1).optional().openapi({ description: "With sandbox_id; default the latest revision" }),
    environment: z.string().max(64).optional().openapi({
      description: "With sandbox_id: the environment the draft runs in (its variables, secrets and evaluator deployments); default the key's own; required for workspace keys",
    }),
  })
  .openapi("RunTestSuite", { description: "Exactly one of release_id and sandbox_id" });

const AssertionResult = z
  .object({
    type: z.string(),
    passed: z.boolean(),
    message: z.string(),
    score: z.number().optional().openapi({ description: "Evaluators: the score given" }),
  })
  .openapi("AssertionResult");

const CaseResult = z
  .object({
    case_id: z.string(),
    name: z.string().nullable(),
    passed: z.boolean(),
    output: z.string().nullable().openapi({ description: "The output text (a workflow's outputs one per line), cut at 2,000 characters; null when the run was rejected" }),
    output_truncated: z.boolean().optional(),
    error: z.string().nullable().openapi({ description: "Why the case's run was rejected" }),
    duration_ms: z.number(),
    assertions: z.array(AssertionResult),
  })
  .openapi("TestCaseResult");

const runFields = {
  id: z.string(),
  test_suite_id: z.string(),
  test_suite_revision: z.number().int(),
  release_id: z.string().nullable(),
  environment: z.string().nullable().openapi({ description: "The release's environment; null for a sandbox run" }),
  sandbox_id: z.string().nullable(),
  sandbox_revision: z.number().int().nullable(),
  content_hash: z.string().openapi({ description: "Of the spec tested" }),
  status: z.enum(["running", "completed", "failed"]),
  total_cases: z.number().int(),
  passed_cases: z.number().int(),
  pass_rate: z.number().nullable().openapi({ description: "passed_cases / total_cases; null for a suite without cases" }),
  mean_evaluator_score: z.number().nullable().openapi({ description: "The mean of every evaluator score given in the run" }),
  error: z.string().nullable(),
  created_at: Timestamp,
  created_by: z.string(),
  completed_at: Timestamp.nullable(),
};

export const TestSuiteRunSchema = z.object({ ...runFields, results: z.array(CaseResult) }).openapi("TestSuiteRun");
export const TestSuiteRunSummarySchema = z.object(runFields).openapi("TestSuiteRunSummary");

export const ListRunsQuery = PaginationQuery.extend({ release_id: z.string().max(64).optional().openapi({ description: "Only runs of this release" }) });
