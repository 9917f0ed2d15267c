import type { SpecKind } from "../../specs/validate-spec";

/**
 * What a new sandbox starts from: the smallest spec of its kind that runs
 * offline on the `echo` model, for the user to edit in the editor.
 */
export const STARTER_SPECS: Record<SpecKind, unknown> = {
  prompt: {
    input_variables: [{ key: "question", type: "STRING", required: true }],
    model: { provider: "echo", name: "echo", parameters: { temperature: 0 } },
    blocks: [
      { role: "system", template: "You are a helpful assistant." },
      { role: "user", template: "{{ question }}" },
    ],
  },
  workflow: {
    input_variables: [{ key: "question", type: "STRING", required: true }],
    nodes: [
      { id: "answer", type: "prompt", prompt: { model: { provider: "echo", name: "echo" }, blocks: [{ role: "user", template: "{{ inputs.question }}" }] } },
      { id: "final", type: "output", name: "answer", value: "{{ nodes.answer.text }}" },
    ],
    edges: [{ from: "answer", to: "final" }],
  },
};
