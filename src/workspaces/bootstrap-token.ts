import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { secretsEqual } from "../lib/crypto";
import { ApiError } from "../lib/problem";

/** Only the holder of the BOOTSTRAP_TOKEN secret may create workspaces. */
export const requireBootstrapToken = createMiddleware<AppEnv>(async (c, next) => {
  const presented =
    c.req
      .header("authorization")
      ?.match(/^Bearer\s+(.+)$/i)?.[1]
      ?.trim() ?? "";
  if (!(await secretsEqual(presented, c.get("deps").config.bootstrapToken))) {
    throw new ApiError("UNAUTHENTICATED", "Creating a workspace needs the bootstrap token as `Authorization: Bearer <token>`", [
      { path: "header.authorization", message: presented ? "Invalid" : "Missing" },
    ]);
  }
  await next();
});
