// A copy of packages/sdk/src/redact.ts (redact = redactText, maskSecret = redactSecret), kept because
// errors are printed before any command loads the SDK (usage errors, start-up time); redact.test.ts
// runs both on the same inputs and fails when they drift.
const SECRET_PATTERN = /\b(mp_(?:live|test)_|whsec_|whsk_)([A-Za-z0-9_\-+/=]{4,})/g;

/** `mp_test_…a1b2`: the prefix and the last four characters, never the whole secret. */
export function maskSecret(secret: string): string {
  const match = /^(mp_(?:live|test)_|whsec_|whsk_)?(.*)$/s.exec(secret);
  const prefix = match?.[1] ?? '';
  const rest = match?.[2] ?? '';
  return rest.length <= 4 ? `${prefix}…` : `${prefix}…${rest.slice(-4)}`;
}

/** Mask every key or secret in a text, plus the given ones even without a known prefix. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(SECRET_PATTERN, (_, prefix: string, rest: string) => maskSecret(prefix + rest));
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join(maskSecret(secret));
  return out;
}
