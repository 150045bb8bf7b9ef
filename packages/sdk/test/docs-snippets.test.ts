// Typechecks every ```ts / ```typescript block of README.md, packages/*/README.md and docs/*.md against the
// real packages, so documentation cannot drift from the code. Each block becomes a module in
// test/.snippets/ (git-ignored; kept after a run for inspection) and all of them go through ONE
// TypeScript program with the repo's compiler options. A block fenced ```ts nocheck is skipped: use it
// only for a fragment that cannot stand alone.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const OUT = join(ROOT, 'packages/sdk/test/.snippets');
const OPENING = /^```(ts|typescript)(?:\s+(nocheck))?\s*$/;
const CLOSING = /^```\s*$/;

/**
 * Names the snippets use without declaring them (the reader's own values), each with a specific type.
 * A declaration is added to a snippet only when it uses the name and does not declare it at top level.
 */
const PLACEHOLDERS: Record<string, string> = {
  mp: "declare const mp: import('@mailplatform/sdk').MailPlatform;",
  message: "declare const message: import('@mailplatform/sdk').SendMessageInput;",
  messages: "declare const messages: import('@mailplatform/sdk').SendMessageInput[];",
  pdfBytes: 'declare const pdfBytes: Uint8Array;',
  idempotencyKey: 'declare const idempotencyKey: string;',
  rawBody: 'declare const rawBody: string;',
  headers: 'declare const headers: Headers;',
  secret: 'declare const secret: string;',
  request: 'declare const request: Request;',
  markInvalid: 'declare function markInvalid(email: string): Promise<void>;',
  queueForLater:
    "declare function queueForLater(message: import('@mailplatform/sdk').SendMessageInput, idempotencyKey: string | undefined): Promise<void>;",
  placeOrder:
    "declare function placeOrder(mail: import('@mailplatform/sdk').MailPlatform, order: { orderNo: number; email: string }): Promise<void>;",
};

interface Snippet {
  /** The markdown file, relative to the repo root. */
  source: string;
  /** 1-based among the file's ```ts blocks, nocheck ones included. */
  block: number;
  /** Line of the first code line in the markdown file. */
  line: number;
  code: string;
  nocheck: boolean;
}

interface SnippetModule {
  snippet: Snippet;
  path: string;
  preludeLines: number;
}

async function markdownFiles(): Promise<string[]> {
  const files = ['README.md'];
  for (const name of (await readdir(join(ROOT, 'packages'))).sort()) {
    const readme = join('packages', name, 'README.md');
    if (
      await readFile(join(ROOT, readme)).then(
        () => true,
        () => false,
      )
    ) {
      files.push(readme);
    }
  }
  for (const name of (await readdir(join(ROOT, 'docs'))).sort()) {
    if (name.endsWith('.md')) files.push(join('docs', name));
  }
  return files;
}

function extractSnippets(source: string, markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split(/\r?\n/);
  let open: { line: number; nocheck: boolean; code: string[] } | null = null;
  let inOtherFence = false;
  for (const [index, text] of lines.entries()) {
    if (open !== null) {
      if (CLOSING.test(text)) {
        snippets.push({
          source,
          block: snippets.length + 1,
          line: open.line,
          code: open.code.join('\n'),
          nocheck: open.nocheck,
        });
        open = null;
      } else {
        open.code.push(text);
      }
      continue;
    }
    // Inside another language's fence only a bare ``` closes it.
    if (inOtherFence) {
      inOtherFence = !CLOSING.test(text);
      continue;
    }
    const match = OPENING.exec(text);
    if (match !== null) {
      open = { line: index + 2, nocheck: match[2] === 'nocheck', code: [] };
    } else if (text.startsWith('```')) {
      inOtherFence = true;
    }
  }
  if (open !== null)
    throw new Error(`${source}: the \`\`\`ts block at line ${open.line - 1} is never closed`);
  return snippets;
}

/** Top-level names a snippet declares (imports, variables, functions, classes, types). */
function declaredNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const addBinding = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) {
      names.add(name.text);
      return;
    }
    for (const element of name.elements) {
      if (!ts.isOmittedExpression(element)) addBinding(element.name);
    }
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name !== undefined) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings !== undefined && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) names.add(element.name.text);
      }
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) addBinding(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

function usedNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node) => {
    const parent = node.parent;
    const isPropertyName =
      parent !== undefined &&
      ((ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isQualifiedName(parent) && parent.right === node));
    if (ts.isIdentifier(node) && !isPropertyName) names.add(node.text);
    node.forEachChild(visit);
  };
  visit(file);
  return names;
}

function preludeFor(code: string): string[] {
  const file = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const declared = declaredNames(file);
  const used = usedNames(file);
  return Object.entries(PLACEHOLDERS)
    .filter(([name]) => used.has(name) && !declared.has(name))
    .map(([, declaration]) => declaration);
}

function moduleName(snippet: Snippet): string {
  return `${snippet.source.replace(/[^A-Za-z0-9]+/g, '_')}-${snippet.block}.ts`;
}

async function writeModules(snippets: Snippet[], dir: string): Promise<SnippetModule[]> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const modules: SnippetModule[] = [];
  for (const snippet of snippets) {
    const prelude = [
      `// ${snippet.source}, block ${snippet.block} (line ${snippet.line})`,
      ...preludeFor(snippet.code),
    ];
    const path = join(dir, moduleName(snippet));
    // `export {}` makes every block a module, so top-level await is allowed.
    await writeFile(path, `${prelude.join('\n')}\n${snippet.code}\nexport {};\n`);
    modules.push({ snippet, path, preludeLines: prelude.length });
  }
  return modules;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error !== undefined)
    throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, configPath);
  return { ...parsed.options, noEmit: true };
}

/** Typechecks the modules in one program; returns one line per diagnostic in a snippet. */
function typecheck(modules: SnippetModule[]): string[] {
  const program = ts.createProgram({
    rootNames: modules.map((module) => module.path),
    options: compilerOptions(),
  });
  const byPath = new Map(modules.map((module) => [resolve(module.path), module]));
  const problems: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file === undefined) {
      problems.push(`TS${diagnostic.code}: ${text}`);
      continue;
    }
    const module = byPath.get(resolve(diagnostic.file.fileName));
    // Errors inside the packages' own sources belong to their tests, not to the docs.
    if (module === undefined) continue;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const { snippet, preludeLines } = module;
    const where =
      line < preludeLines ? 'prelude' : `line ${snippet.line + line - preludeLines}:${character + 1}`;
    problems.push(`${snippet.source} block ${snippet.block} (${where}) TS${diagnostic.code}: ${text}`);
  }
  return problems;
}

describe('documentation code blocks', { timeout: 120_000 }, () => {
  it('extracts ts and typescript blocks with their position and skips nocheck ones', () => {
    const markdown = [
      '# Title',
      '```ts',
      'const a = 1;',
      '```',
      '```sh',
      '```ts',
      '```',
      '```typescript nocheck',
      'fragment(',
      '```',
    ].join('\n');
    expect(extractSnippets('x.md', markdown)).toEqual([
      { source: 'x.md', block: 1, line: 3, code: 'const a = 1;', nocheck: false },
      { source: 'x.md', block: 2, line: 9, code: 'fragment(', nocheck: true },
    ]);
    expect(() => extractSnippets('y.md', '```ts\nconst a = 1;\n')).toThrow(
      'y.md: the ```ts block at line 1 is never closed',
    );
  });

  it('declares only the placeholders a snippet uses and does not declare itself', () => {
    expect(preludeFor('await mp.messages.send(message);')).toEqual([PLACEHOLDERS.mp, PLACEHOLDERS.message]);
    expect(
      preludeFor("import { MailPlatform } from '@mailplatform/sdk';\nconst mp = new MailPlatform();"),
    ).toEqual([]);
  });

  it('every block in README.md, packages/*/README.md and docs/*.md typechecks against the packages', async () => {
    const snippets: Snippet[] = [];
    for (const source of await markdownFiles()) {
      snippets.push(...extractSnippets(source, await readFile(join(ROOT, source), 'utf8')));
    }
    const sources = new Set(snippets.map((snippet) => snippet.source));
    // Guards the extraction itself: these files are known to hold TypeScript examples.
    expect([...sources]).toEqual(
      expect.arrayContaining([
        'README.md',
        'packages/sdk/README.md',
        'packages/sandbox/README.md',
        'docs/sandbox.md',
      ]),
    );
    const checked = snippets.filter((snippet) => !snippet.nocheck);
    expect(checked.length).toBeGreaterThanOrEqual(10);
    // A block that does not match the API, checked in the same program: proves that errors are found
    // and reported with the file, block and markdown line.
    const broken: Snippet = {
      source: 'self-test/broken.md',
      block: 2,
      line: 40,
      code: "import { MailPlatform } from '@mailplatform/sdk';\nconst mail = new MailPlatform();\nawait mail.messages.sendd({});",
      nocheck: false,
    };
    const problems = typecheck(await writeModules([...checked, broken], OUT));
    const [own, ...others] = problems.filter((problem) => problem.startsWith(broken.source));
    expect(own).toMatch(
      /^self-test\/broken\.md block 2 \(line 42:21\) TS2551: Property 'sendd' does not exist on type 'MessagesResource'/,
    );
    expect(others).toEqual([]);
    const docs = problems.filter((problem) => !problem.startsWith(broken.source));
    expect(docs, `${docs.join('\n')}\n(snippets written to ${relative(ROOT, OUT)})`).toEqual([]);
  });
});
