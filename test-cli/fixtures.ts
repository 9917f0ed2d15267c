/** A small repository: two prompts, a workflow, and a suite for each prompt. */
export const GREETING = `name: greeting
kind: prompt
spec:
  input_variables:
    - key: who
      type: STRING
  model:
    provider: echo
    name: echo
  blocks:
    - role: user
      template: "Hello, {{ who }}!"
scenarios:
  - name: world
    inputs:
      who: world
`;

export const FAQ = `name: faq
kind: prompt
spec:
  input_variables:
    - key: question
      type: STRING
  model: { provider: echo, name: echo }
  blocks:
    - role: system
      template: You answer questions.
    - role: user
      template: "{{ question }}"
`;

export const ANSWER = `name: answer
kind: workflow
spec:
  input_variables:
    - key: question
      type: STRING
  nodes:
    - id: draft
      type: template
      template: "Q: {{ inputs.question }}"
    - id: final
      type: output
      name: answer
      value: "{{ nodes.draft.text }}"
  edges:
    - from: draft
      to: final
`;

export const GREETING_SUITE = `name: greeting smoke
deployment: greeting
description: Says hello
cases:
  - name: world
    inputs:
      who: world
    assertions:
      - type: contains
        value: Hello, world
`;

/** Fails on purpose: the echo model never says this. */
export const FAQ_SUITE = `name: faq checks
deployment: faq
cases:
  - inputs:
      question: How do I roll back?
    assertions:
      - type: contains
        value: something the echo model never says
`;

/** Line 10 reads a variable the spec does not declare. */
export const BROKEN = `name: broken
kind: prompt
spec:
  input_variables:
    - key: who
      type: STRING
  model: { provider: echo, name: echo }
  blocks:
    - role: user
      template: "Hi {{ whom }}"
`;
