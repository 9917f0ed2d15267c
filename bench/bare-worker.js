// The baseline: a Worker that does the least an invoke must do, passing the
// question straight to the model and its answer straight back.
export default {
  async fetch(request, env) {
    const body = await request.json();
    const upstream = await fetch(`${env.STUB_URL}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "stub", messages: [{ role: "user", content: body.inputs?.[0]?.value ?? "" }] }),
    });
    const completion = await upstream.json();
    return Response.json({ state: "FULFILLED", outputs: [{ type: "STRING", value: completion.choices[0].message.content }] });
  },
};
