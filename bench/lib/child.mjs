import { spawn } from 'node:child_process';
import { constants, setPriority } from 'node:os';

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];

/**
 * The environment of every measured process: no proxy (everything goes to 127.0.0.1), no MAILPLATFORM_*,
 * no NODE_OPTIONS, and no NODE_EXTRA_CA_CERTS (Node reads that bundle at start-up, which adds 40–100 ms
 * to every process and would swamp the differences measured here; nothing here uses TLS).
 */
export function cleanEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  for (const name of PROXY_VARIABLES) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('MAILPLATFORM_')) delete env[name];
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * Runs `node <args>` and resolves to its wall time (spawn to exit, ms) and stdout. Rejects on a
 * non-zero exit with the child's stderr.
 */
export function runNode(args, { env = cleanEnv(), cwd } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const stdout = Buffer.concat(out).toString();
      if (code !== 0) {
        reject(new Error(`node ${args.join(' ')} exited with ${code}\n${Buffer.concat(err).toString()}`));
        return;
      }
      resolve({ wallMs, stdout });
    });
  });
}

/** The last non-empty stdout line, parsed as JSON. */
export function lastJsonLine(stdout) {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/**
 * Raises this process's scheduling priority (children, the sink included, inherit it) so that other
 * work on the machine disturbs the measurements less. Needs root or CAP_SYS_NICE; returns whether it
 * worked.
 */
export function raisePriority() {
  try {
    setPriority(constants.priority.PRIORITY_HIGH);
    return true;
  } catch {
    return false;
  }
}
