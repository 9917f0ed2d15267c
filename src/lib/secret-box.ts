/**
 * Encrypts environment secrets at rest with AES-256-GCM under the
 * MASTER_KEY secret. Each value gets a fresh 96-bit IV; the stored form is
 * base64(iv ‖ ciphertext ‖ tag). The secret's name is bound as additional
 * data, so a ciphertext copied to another name or environment fails to open.
 *
 * @example
 * const box = await openSecretBox(masterKeyBase64);
 * const sealed = await box.seal("sk-…", "env_1/OPENAI_API_KEY");
 * await box.open(sealed, "env_1/OPENAI_API_KEY"); // "sk-…"
 */
export interface SecretBox {
  seal(plaintext: string, binding: string): Promise<string>;
  open(sealed: string, binding: string): Promise<string>;
}

const encoder = new TextEncoder();
const IV_BYTES = 12;

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export async function openSecretBox(masterKeyBase64: string): Promise<SecretBox> {
  const key = await crypto.subtle.importKey("raw", fromBase64(masterKeyBase64), "AES-GCM", false, ["encrypt", "decrypt"]);
  return {
    async seal(plaintext, binding) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(binding) }, key, encoder.encode(plaintext)));
      const out = new Uint8Array(IV_BYTES + sealed.length);
      out.set(iv);
      out.set(sealed, IV_BYTES);
      return toBase64(out);
    },
    async open(sealed, binding) {
      const bytes = fromBase64(sealed);
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: encoder.encode(binding) }, key, bytes.slice(IV_BYTES));
      return new TextDecoder().decode(plain);
    },
  };
}

/** True when the text is base64 of exactly 32 bytes: an AES-256 key. */
export function isAes256Key(base64: string): boolean {
  try {
    return fromBase64(base64).length === 32;
  } catch {
    return false;
  }
}

/** The additional data that ties a sealed secret to its environment and name. */
export const secretBinding = (environmentId: string, name: string) => `${environmentId}/${name}`;
