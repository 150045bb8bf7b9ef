import { dirname, join } from 'node:path';
import type { CliContext } from '../context.js';

export interface ConfigPaths {
  dir: string;
  config: string;
  credentials: string;
}

/** `--config` > `MAILPLATFORM_CONFIG_DIR` > `$XDG_CONFIG_HOME/mailplatform` > `~/.config/mailplatform`. */
export function configPaths(
  ctx: Pick<CliContext, 'env' | 'homeDir' | 'configDir'>,
  configFlag?: string,
): ConfigPaths {
  if (configFlag) {
    const dir = dirname(configFlag);
    return { dir, config: configFlag, credentials: join(dir, 'credentials.json') };
  }
  const dir =
    ctx.configDir ??
    ctx.env.MAILPLATFORM_CONFIG_DIR ??
    (ctx.env.XDG_CONFIG_HOME
      ? join(ctx.env.XDG_CONFIG_HOME, 'mailplatform')
      : join(ctx.homeDir, '.config', 'mailplatform'));
  return { dir, config: join(dir, 'config.json'), credentials: join(dir, 'credentials.json') };
}
