import { readFileSync } from 'node:fs';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigError } from './errors';

/** Read when it exists; CONCLAVE_CONFIG names another file (which then must exist). */
export const DEFAULT_CONFIG_FILE = '/etc/conclave/conclave.json';

export interface ConfigFile {
  path: string;
  /** Values by dotted key (`media.rtpPorts`), as written; each setting's kind validates its own. */
  values: ReadonlyMap<string, unknown>;
}

/**
 * Reads the configuration file: JSON that may also hold comments and trailing commas. Returns null
 * when the file does not exist. A syntax error names the line and column; a key that is not a
 * setting is an error too, so that a misspelt key cannot silently leave its default in force.
 */
export function readConfigFile(path: string, keys: readonly string[]): ConfigFile | null {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new ConfigError(path, `cannot be read (${code ?? String(err)})`);
  }
  const errors: ParseError[] = [];
  const document: unknown = parse(source, errors, { allowTrailingComma: true, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const { line, column } = position(source, first.offset);
    throw new ConfigError(`${path}:${line}:${column}`, describeParseError(first));
  }
  const values = new Map<string, unknown>();
  collect(document, '', { path, keys, values });
  return { path, values };
}

function collect(
  node: unknown,
  prefix: string,
  ctx: { path: string; keys: readonly string[]; values: Map<string, unknown> },
): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new ConfigError(
      prefix ? `${ctx.path}: ${prefix}` : ctx.path,
      prefix ? 'must be an object of settings' : 'must hold one JSON object of settings',
    );
  }
  for (const [name, value] of Object.entries(node)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (ctx.keys.includes(key)) ctx.values.set(key, value);
    else if (ctx.keys.some((k) => k.startsWith(`${key}.`))) collect(value, key, ctx);
    else {
      const near = closest(key, ctx.keys);
      throw new ConfigError(
        `${ctx.path}: ${key}`,
        `unknown setting${near ? ` (did you mean ${near}?)` : ''}`,
      );
    }
  }
}

/** 1-based line and column of an offset, as editors count them. */
function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** "CloseBraceExpected" → "close brace expected". */
function describeParseError(error: ParseError): string {
  const words = printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `not valid JSON: ${words}`;
}

/** The known key nearest to a misspelt one, when it is near enough to be what was meant. */
function closest(key: string, keys: readonly string[]): string | null {
  let best: { key: string; distance: number } | null = null;
  for (const k of keys) {
    const distance = editDistance(key.toLowerCase(), k.toLowerCase());
    if (!best || distance < best.distance) best = { key: k, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 4)) ? best.key : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
