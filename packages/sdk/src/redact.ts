/** Secrets are shown as prefix + last 4 (`mp_test_…a1b2`), never whole. */
const SECRET_PATTERN = /\b(mp_(?:live|test)_|whsec_|whsk_)([A-Za-z0-9_\-+/=]{4,})/g;

export function redactSecret(secret: string): string {
  const match = /^(mp_(?:live|test)_|whsec_|whsk_)?(.*)$/s.exec(secret);
  const prefix = match?.[1] ?? '';
  const rest = match?.[2] ?? '';
  if (rest.length <= 4) return `${prefix}…`;
  return `${prefix}…${rest.slice(-4)}`;
}

/** Replace every API key or webhook secret inside a free text with its redacted form. */
export function redactText(text: string, extraSecrets: readonly string[] = []): string {
  let out = text.replace(SECRET_PATTERN, (_, prefix: string, rest: string) => redactSecret(prefix + rest));
  for (const secret of extraSecrets) {
    if (secret.length >= 6) out = out.split(secret).join(redactSecret(secret));
  }
  return out;
}
