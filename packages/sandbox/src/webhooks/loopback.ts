import { isLoopbackHost } from '@mailplatform/sdk';

/** Is the URL's host a loopback literal (localhost, 127.0.0.0/8, ::1)? Names are not resolved. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
