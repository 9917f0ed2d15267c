import { Template } from "@huggingface/jinja";
import type { MessageBlock } from "../specs/prompt-spec";
import type { ChatTurn } from "./inputs";
import type { ChatMessage } from "./providers/types";

/**
 * Parsed templates, per block list. A release's blocks never change and its
 * snapshot object is cached per isolate, so each template is parsed once.
 */
const parsed = new WeakMap<MessageBlock[], (Template | null)[]>();

function templatesOf(blocks: MessageBlock[]) {
  let templates = parsed.get(blocks);
  if (!templates) {
    templates = blocks.map((b) => ("template" in b ? new Template(b.template) : null));
    parsed.set(blocks, templates);
  }
  return templates;
}

const ROLE: Record<ChatTurn["role"], ChatMessage["role"]> = { USER: "user", ASSISTANT: "assistant", SYSTEM: "system", FUNCTION: "user" };

/**
 * Renders a prompt's blocks into chat messages. Templates see the input
 * values by name and the environment's variables as `env.NAME`; Jinja is
 * interpreted, never compiled to code (workerd forbids eval).
 */
export function renderMessages(blocks: MessageBlock[], values: Record<string, unknown>, variables: Record<string, string>): ChatMessage[] {
  const templates = templatesOf(blocks);
  const context = { ...values, env: variables };
  return blocks.flatMap((block, i): ChatMessage[] => {
    if ("chat_history" in block) return ((values[block.chat_history] as ChatTurn[] | null) ?? []).map((turn) => ({ role: ROLE[turn.role], content: turn.text }));
    return [{ role: block.role, content: templates[i]!.render(context) }];
  });
}
