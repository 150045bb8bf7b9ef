/** The SDK's version, sent in the `User-Agent`. A test keeps it equal to `package.json`'s version. */
export const SDK_VERSION = '0.1.0';
