/**
 * The part of YARA the stand-in needs to answer `yara_file` the way osqueryd does: rules made of
 * text strings (with \n \t \" \\ \xHH escapes and `nocase`) and conditions over them (`$a`,
 * `$a at N`, `any of them`, `all of them`, `and`, `or`, `not`, parentheses, `true`, `false`).
 * Anything else is a compile error, as a rule YARA cannot compile is for osqueryd (no row).
 */

export class YaraCompileError extends Error {}

interface TextString {
  text: Buffer;
  nocase: boolean;
}

interface Rule {
  name: string;
  strings: Map<string, TextString>;
  condition: string[];
}

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|\$[A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*|\d+|[{}():=])/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (TOKEN.lastIndex < source.length && (match = TOKEN.exec(source))) tokens.push(match[1]!);
  if (source.slice(TOKEN.lastIndex).trim() !== '') throw new YaraCompileError(`cannot read the rule near "${source.slice(TOKEN.lastIndex, TOKEN.lastIndex + 20)}"`);
  return tokens;
}

function unescape(literal: string): Buffer {
  const body = literal.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[++i];
    if (next === 'n') bytes.push(10);
    else if (next === 't') bytes.push(9);
    else if (next === 'r') bytes.push(13);
    else if (next === '"' || next === '\\') bytes.push(next.charCodeAt(0));
    else if (next === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else throw new YaraCompileError(`unknown escape \\${next}`);
  }
  return Buffer.from(bytes);
}

export function compileRules(source: string): Rule[] {
  const tokens = tokenize(source);
  const rules: Rule[] = [];
  let i = 0;
  const expect = (token: string) => {
    if (tokens[i++] !== token) throw new YaraCompileError(`expected "${token}"`);
  };
  while (i < tokens.length) {
    expect('rule');
    const name = tokens[i++] ?? '';
    if (!/^[A-Za-z_]\w*$/.test(name)) throw new YaraCompileError('a rule needs a name');
    expect('{');
    const strings = new Map<string, TextString>();
    if (tokens[i] === 'strings') {
      i++;
      expect(':');
      while (tokens[i]?.startsWith('$')) {
        const id = tokens[i++]!;
        expect('=');
        const literal = tokens[i++] ?? '';
        if (!literal.startsWith('"')) throw new YaraCompileError(`${id}: only text strings are supported`);
        const nocase = tokens[i] === 'nocase';
        if (nocase) i++;
        strings.set(id, { text: unescape(literal), nocase });
      }
    }
    expect('condition');
    expect(':');
    const condition: string[] = [];
    while (i < tokens.length && tokens[i] !== '}') condition.push(tokens[i++]!);
    expect('}');
    rules.push({ name, strings, condition });
  }
  return rules;
}

function occurrences(content: Buffer, string: TextString): number[] {
  const haystack = string.nocase ? Buffer.from(content.toString('latin1').toLowerCase(), 'latin1') : content;
  const needle = string.nocase ? Buffer.from(string.text.toString('latin1').toLowerCase(), 'latin1') : string.text;
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

function evaluate(rule: Rule, content: Buffer): boolean {
  const tokens = rule.condition;
  let i = 0;
  const stringMatches = (id: string) => {
    const string = rule.strings.get(id);
    if (!string) throw new YaraCompileError(`${rule.name}: undefined string ${id}`);
    return occurrences(content, string);
  };
  const primary = (): boolean => {
    const token = tokens[i++];
    if (token === '(') {
      const value = or();
      if (tokens[i++] !== ')') throw new YaraCompileError(`${rule.name}: expected ")"`);
      return value;
    }
    if (token === 'not') return !primary();
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token === 'any' || token === 'all') {
      if (tokens[i++] !== 'of' || tokens[i++] !== 'them') throw new YaraCompileError(`${rule.name}: expected "of them"`);
      const ids = [...rule.strings.keys()];
      return token === 'any' ? ids.some((id) => stringMatches(id).length > 0) : ids.every((id) => stringMatches(id).length > 0);
    }
    if (token?.startsWith('$')) {
      const found = stringMatches(token);
      if (tokens[i] === 'at') {
        i++;
        const offset = Number(tokens[i++]);
        return found.includes(offset);
      }
      return found.length > 0;
    }
    throw new YaraCompileError(`${rule.name}: unexpected "${token ?? 'end'}" in the condition`);
  };
  const and = (): boolean => {
    let value = primary();
    while (tokens[i] === 'and') {
      i++;
      const right = primary();
      value = value && right;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (tokens[i] === 'or') {
      i++;
      const right = and();
      value = value || right;
    }
    return value;
  };
  const result = or();
  if (i !== tokens.length) throw new YaraCompileError(`${rule.name}: unexpected "${tokens[i]}" in the condition`);
  return result;
}

/** The names of the rules in `source` that match `content`, as osquery's `matches` column lists them. */
export function matchingRules(source: string, content: Buffer): string[] {
  return compileRules(source)
    .filter((rule) => evaluate(rule, content))
    .map((rule) => rule.name);
}
