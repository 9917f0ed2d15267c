// An OpenAI-compatible chat completions server on loopback that answers at
// once. It runs in a process of its own, so the load generator's event loop
// never slows it down.
import { fork } from "node:child_process";
import { createServer } from "node:http";

const ANSWER = JSON.stringify({
  id: "cmpl-bench",
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", content: "The answer." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 20, completion_tokens: 3, total_tokens: 23 },
});

function serve() {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
  // Never outlive the benchmark, however it ends.
  process.on("disconnect", () => process.exit(0));
}

/** Starts the stub in a child process and returns its URL. */
export function startStubModel() {
  const child = fork(import.meta.filename, ["--serve"], { stdio: "inherit" });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("message", ({ port }) => resolve({ url: `http://127.0.0.1:${port}`, close: async () => child.kill("SIGTERM") }));
  });
}

if (process.argv.includes("--serve")) serve();

/** A prompt spec on the stub model, with a system message and the user's `question`. */
export function stubPromptSpec(stubUrl, system) {
  return {
    input_variables: [{ key: "question", type: "STRING" }],
    model: { provider: "openai", name: "stub", base_url: `${stubUrl}/v1` },
    blocks: [
      { role: "system", template: system },
      { role: "user", template: "{{ question }}" },
    ],
  };
}
