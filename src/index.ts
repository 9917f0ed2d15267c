import { createApp } from "./app";
import type { QueueMessage } from "./context";
import { consumeEvents } from "./queue/consume-events";

export { DeploymentCoordinator } from "./coordinator/deployment-coordinator";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: consumeEvents,
} satisfies ExportedHandler<Env, QueueMessage>;
