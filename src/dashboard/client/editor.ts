// Code editors: every <textarea data-editor="json|jinja"> gets a CodeMirror editor right after it.
// The textarea stays the form's field: hidden, and kept equal to the editor's text on every change,
// so the form posts as it would without JavaScript (where the textarea is used as it is).
//
// CodeMirror injects its styles as <style> elements at run time. The page's Content-Security-Policy
// allows only style elements that carry the response's nonce (`style-src 'self' 'nonce-…'`), which
// the page hands over in the data-style-nonce attribute of this module's script tag.

import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, defaultHighlightStyle, StreamLanguage, type StringStream, syntaxHighlighting } from "@codemirror/language";
import { EditorState, type Extension } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";

const JINJA_KEYWORDS = /^(?:if|elif|else|endif|for|in|endfor|set|endset|not|and|or|is|true|false|none|True|False|None|loop|macro|endmacro|filter|endfilter)$/;

/** Where a template stands: in plain text, or inside a tag that `close` ends. */
interface JinjaState {
  close: string | null;
}

/**
 * Prompt templates are plain text with Jinja tags ({{ … }}, {% … %}, {# … #}): this highlights the
 * tags and what is inside them. (@codemirror/lang-jinja parses the text around them as HTML, and
 * bundles HTML, CSS and JavaScript grammars for it, three times the size of the rest.)
 */
const jinjaTemplate = StreamLanguage.define<JinjaState>({
  name: "jinja",
  startState: () => ({ close: null }),
  token(stream: StringStream, state: JinjaState) {
    if (state.close === null) {
      if (stream.match("{#")) {
        state.close = "#}";
        return "comment";
      }
      if (stream.match("{{") || stream.match("{%")) {
        state.close = stream.current() === "{{" ? "}}" : "%}";
        return "brace";
      }
      stream.next();
      while (!stream.eol() && !stream.match(/^\{[{%#]/, false)) stream.next();
      return null;
    }
    if (state.close === "#}") {
      if (stream.skipTo("#}")) stream.match("#}");
      else stream.skipToEnd();
      if (stream.current().endsWith("#}")) state.close = null;
      return "comment";
    }
    if (stream.eatSpace()) return null;
    if (stream.match(state.close)) {
      state.close = null;
      return "brace";
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^'(?:[^'\\]|\\.)*'?/)) return "string";
    if (stream.match(/^\d+(?:\.\d+)?/)) return "number";
    const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
    if (word) return JINJA_KEYWORDS.test(word[0]) ? "keyword" : "variableName";
    stream.next();
    return "operator";
  },
});

const LANGUAGES: Record<string, () => Extension> = { json, jinja: () => jinjaTemplate };

const styleNonce = document.querySelector<HTMLScriptElement>("script[data-style-nonce]")?.dataset.styleNonce ?? "";

/** The text of the textarea's label, to name the editor for assistive technology. */
function labelOf(textarea: HTMLTextAreaElement): HTMLLabelElement | null {
  return textarea.id ? document.querySelector<HTMLLabelElement>(`label[for="${CSS.escape(textarea.id)}"]`) : null;
}

/** aria-label, and the textarea's hint and error (aria-describedby, aria-invalid), for the editor's content element. */
function contentAttributes(textarea: HTMLTextAreaElement, label: HTMLLabelElement | null): Record<string, string> {
  const attributes: Record<string, string> = { "aria-label": label?.textContent?.trim() || textarea.name };
  for (const name of ["aria-describedby", "aria-invalid"]) {
    const value = textarea.getAttribute(name);
    if (value) attributes[name] = value;
  }
  return attributes;
}

function enhance(textarea: HTMLTextAreaElement) {
  const label = labelOf(textarea);
  const readOnly = textarea.disabled || textarea.readOnly || textarea.closest("fieldset:disabled") !== null;
  const extensions: Extension[] = [
    EditorView.cspNonce.of(styleNonce),
    lineNumbers(),
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    highlightActiveLine(),
    bracketMatching(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    EditorView.lineWrapping,
    // No Tab binding: Tab leaves the editor, so keyboard users are never trapped in it.
    keymap.of([...defaultKeymap, ...historyKeymap]),
    EditorView.contentAttributes.of(contentAttributes(textarea, label)),
    EditorState.readOnly.of(readOnly),
    EditorView.editable.of(!readOnly),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) textarea.value = update.state.doc.toString();
    }),
  ];
  const language = LANGUAGES[textarea.dataset.editor ?? ""];
  if (language) extensions.push(language());
  const view = new EditorView({ state: EditorState.create({ doc: textarea.value, extensions }) });
  view.dom.dataset.editorFor = textarea.id;
  textarea.after(view.dom);
  textarea.hidden = true;
  // The label still names the hidden textarea; a click on it moves focus into the editor instead.
  label?.addEventListener("click", () => view.focus());
}

for (const textarea of document.querySelectorAll<HTMLTextAreaElement>("textarea[data-editor]")) enhance(textarea);
