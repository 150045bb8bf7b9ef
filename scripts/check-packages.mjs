#!/usr/bin/env node
// Packs every published workspace package and checks it with publint and arethetypeswrong
// (ESM-only packages with --profile esm-only, as decisions.md settles). Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'mp-pack-'));
let failed = false;
try {
  for (const dir of readdirSync(join(root, 'packages'))) {
    const pkgDir = join(root, 'packages', dir);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    const run = (cmd, args) => {
      try {
        execFileSync(cmd, args, { cwd: pkgDir, stdio: 'inherit' });
      } catch {
        failed = true;
        console.error(`✗ ${pkg.name}: ${cmd} ${args.join(' ')} failed`);
      }
    };
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: pkgDir })
      .toString()
      .trim()
      .split('\n')
      .pop();
    const file = join(out, tarball);
    console.log(`\n## ${pkg.name} (${tarball})`);
    run('npx', ['--no-install', 'publint', '--strict', file]);
    const esmOnly = !Object.values(pkg.exports ?? {}).some((e) => typeof e === 'object' && 'require' in e);
    run('npx', ['--no-install', 'attw', file, ...(esmOnly ? ['--profile', 'esm-only'] : [])]);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
