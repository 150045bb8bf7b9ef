import type { Command } from 'commander';

export interface OptionNode {
  flags: string;
  long: string | undefined;
  short: string | undefined;
  description: string;
  takesValue: boolean;
  choices: readonly string[] | undefined;
  defaultValue: unknown;
  required: boolean;
}

export interface CommandNode {
  name: string;
  /** Names from the root, without the program name: `['messages', 'list']`. */
  path: string[];
  aliases: string[];
  usage: string;
  description: string;
  options: OptionNode[];
  children: CommandNode[];
}

/** The commander definitions as plain data: the source of completion scripts and docs/cli.md. */
export function commandTree(command: Command, path: string[] = []): CommandNode {
  return {
    name: command.name(),
    path,
    aliases: command.aliases(),
    usage: command.usage(),
    description: command.description(),
    options: command.options
      .filter((o) => !o.hidden)
      .map((o) => ({
        flags: o.flags,
        long: o.long,
        short: o.short,
        description: o.description,
        takesValue: o.required || o.optional,
        choices: o.argChoices,
        defaultValue: o.defaultValue,
        required: o.mandatory,
      })),
    children: command.commands.map((c) => commandTree(c, [...path, c.name()])),
  };
}

export function flattenTree(node: CommandNode): CommandNode[] {
  return [node, ...node.children.flatMap(flattenTree)];
}
