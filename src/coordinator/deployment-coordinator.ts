import { DurableObject } from "cloudflare:workers";

/**
 * One instance per (workspace, deployment): serializes every change to that
 * deployment's releases and tags.
 */
export class DeploymentCoordinator extends DurableObject<Env> {}
