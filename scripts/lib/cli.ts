/**
 * The scripts' command lines, declared once: each command lists its flags (type, range or choices,
 * default, meaning), and the same declaration parses the arguments strictly and prints `--help`.
 * An unknown flag or a bad value is a UsageError naming it and what is accepted; `runCommand`
 * turns that into exit status 2, and `--help` into the usage text and exit status 0, before any work.
 */
import { gpuBundle } from './bundle.ts';

export type FlagValue = string | number | boolean | string[];

interface FlagBase {
  /** Without the leading dashes. */
  name: string;
  description: string;
}

export type FlagSpec = FlagBase &
  (
    | { kind: 'boolean' }
    | { kind: 'string'; default?: string; choices?: readonly string[]; valueName?: string }
    | { kind: 'number'; default: number; min: number; max: number; integer: boolean; choices?: readonly number[] }
    /** A comma-separated subset of `choices`. */
    | { kind: 'list'; default: readonly string[]; choices: readonly string[] }
  );

export interface CommandSpec {
  /** How it is invoked, e.g. "npm run bench --". */
  command: string;
  /** One paragraph: what the command does. */
  summary: string;
  /** Synopsis lines after the command, e.g. "[--blocks=N] [--width=W]". */
  synopsis: string;
  flags: FlagSpec[];
  /** Whether bare arguments are accepted (they are returned as `positionals`); otherwise each is an error. */
  positionals?: { valueName: string; description: string };
  /** Extra help sections (title, lines), printed after the flags. */
  sections?: { title: string; lines: string[] }[];
  examples: string[];
}

export interface ParsedCommandLine {
  flags: Record<string, FlagValue>;
  /** Flags given on the command line (not defaulted). */
  given: Set<string>;
  positionals: string[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const HELP_FLAGS = new Set(['--help', '-h']);

function describeAccepted(flag: FlagSpec): string {
  switch (flag.kind) {
    case 'boolean':
      return 'a switch (optionally =true or =false)';
    case 'string':
      return flag.choices ? `one of ${flag.choices.join(', ')}` : `a ${flag.valueName ?? 'value'}`;
    case 'number':
      if (flag.choices) return `one of ${flag.choices.join(', ')}`;
      return `${flag.integer ? 'a whole number' : 'a number'} from ${flag.min} to ${flag.max}`;
    case 'list':
      return `a comma-separated list of ${flag.choices.join(', ')}`;
  }
}

function parseFlagValue(flag: FlagSpec, text: string | undefined): FlagValue {
  const bad = () => new UsageError(`--${flag.name}=${text ?? ''} is not valid: expected ${describeAccepted(flag)}.`);
  switch (flag.kind) {
    case 'boolean':
      if (text === undefined || text === 'true') return true;
      if (text === 'false') return false;
      throw bad();
    case 'string':
      if (text === undefined || text === '' || (flag.choices && !flag.choices.includes(text))) throw bad();
      return text;
    case 'number': {
      const value = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
      const inRange = Number.isFinite(value) && value >= flag.min && value <= flag.max && (!flag.integer || Number.isInteger(value));
      if (!inRange || (flag.choices && !flag.choices.includes(value))) throw bad();
      return value;
    }
    case 'list': {
      const items = (text ?? '').split(',').map((item) => item.trim());
      if (items.length === 0 || items.some((item) => !flag.choices.includes(item))) throw bad();
      return [...new Set(items)];
    }
  }
}

function defaultValue(flag: FlagSpec): FlagValue | undefined {
  switch (flag.kind) {
    case 'boolean':
      return false;
    case 'list':
      return [...flag.default];
    default:
      return flag.default;
  }
}

/**
 * Parses `--flag`, `--flag=value` and `--flag value` (not for switches) and bare arguments.
 * Throws UsageError for an unknown flag, a repeated one, a bad value, or an unexpected bare argument.
 */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): ParsedCommandLine {
  const byName = new Map(spec.flags.map((flag) => [flag.name, flag]));
  const flags: Record<string, FlagValue> = {};
  for (const flag of spec.flags) {
    const value = defaultValue(flag);
    if (value !== undefined) flags[flag.name] = value;
  }
  const given = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      if (!spec.positionals) throw new UsageError(`Unexpected argument "${arg}": only --flags are accepted.`);
      positionals.push(arg);
      continue;
    }
    const match = /^--([a-zA-Z][\w-]*)(?:=(.*))?$/s.exec(arg);
    const flag = match ? byName.get(match[1]) : undefined;
    if (!match || !flag) {
      const known = spec.flags.map((f) => `--${f.name}`).join(', ');
      throw new UsageError(`Unknown flag "${arg}". Accepted: ${known} and --help.`);
    }
    if (given.has(flag.name)) throw new UsageError(`--${flag.name} is given twice.`);
    let text = match[2];
    if (text === undefined && flag.kind !== 'boolean' && i + 1 < argv.length && !argv[i + 1].startsWith('--')) text = argv[++i];
    flags[flag.name] = parseFlagValue(flag, text);
    given.add(flag.name);
  }
  return { flags, given, positionals };
}

function wrap(text: string, indent: number, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l);
}

/** The default as help shows it; null for a value that has none (its description says what happens). */
function flagDefault(flag: FlagSpec): string | null {
  switch (flag.kind) {
    case 'boolean':
      return 'off';
    case 'list':
      return flag.default.join(',');
    case 'number':
      return String(flag.default);
    case 'string':
      return flag.default ?? null;
  }
}

/** The `--help` text: usage, every flag with what it accepts and its default, extra sections, examples. */
export function helpText(spec: CommandSpec): string {
  const out: string[] = [`Usage: ${spec.command} ${spec.synopsis}`, '', ...wrap(spec.summary, 0), ''];
  if (spec.positionals) out.push('Arguments:', `  ${spec.positionals.valueName}`, ...wrap(spec.positionals.description, 6), '');
  out.push('Flags:');
  for (const flag of spec.flags) {
    const value = flag.kind === 'boolean' ? '' : flag.kind === 'string' ? `=${flag.valueName ?? 'VALUE'}` : flag.kind === 'list' ? '=A,B' : '=N';
    out.push(`  --${flag.name}${value}`);
    const fallback = flagDefault(flag);
    const accepts = flag.kind === 'string' && !flag.choices ? [] : [`Accepts ${describeAccepted(flag)}.`];
    out.push(...wrap([flag.description, ...accepts, fallback === null ? '' : `Default: ${fallback}.`].join(' '), 6));
  }
  out.push('  --help, -h', '      Print this help and exit.', '');
  for (const section of spec.sections ?? []) out.push(`${section.title}:`, ...section.lines, '');
  out.push('Examples:', ...spec.examples.map((example) => `  ${example}`));
  return out.join('\n');
}

/**
 * Runs a script's main with its parsed command line: `--help` prints the usage and exits 0 before any
 * work; a UsageError prints its message and a pointer to --help and exits 2; any other error prints
 * its message and exits 1.
 */
export async function runCommand(commandSpec: CommandSpec, argv: readonly string[], main: (parsed: ParsedCommandLine) => Promise<void>): Promise<void> {
  // In the GPU bundle `npm run experiment --` is `./run.sh experiment` (and the sweep and the report likewise).
  const spec = gpuBundle ? { ...commandSpec, command: commandSpec.command.replace(/^npm run (experiment|sweep|report) --$/, './run.sh $1') } : commandSpec;
  if (argv.some((arg) => HELP_FLAGS.has(arg))) {
    console.log(helpText(spec));
    return;
  }
  const name = spec.command.replace(/ --$/, '');
  try {
    await main(parseCommandLine(spec, argv));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${name}: ${error.message}\nRun \`${spec.command} --help\` for the usage.\n`);
      process.exit(2);
    }
    // A progress bar may be mid-line: start the message on a line of its own.
    process.stderr.write(`\n${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
