// Why a `/regex/` was refused, as data: the parser's English message is worded from it here, and the
// web app words it in the reader's language from the same code and values.
export type RegexProblem =
  | { code: 'unexpected_char'; char: string }
  | { code: 'anchor_repeated' }
  | { code: 'nested_quantifier' }
  | { code: 'malformed_repetition' }
  | { code: 'repeat_too_large'; max: number }
  | { code: 'repeat_reversed' }
  | { code: 'nothing_to_repeat' }
  | { code: 'unsupported_group' }
  | { code: 'missing_paren' }
  | { code: 'trailing_backslash' }
  | { code: 'unsupported_escape'; char: string }
  | { code: 'malformed_hex_escape' }
  | { code: 'not_scalar_value' }
  | { code: 'empty_class' }
  | { code: 'missing_bracket' }
  | { code: 'class_escape_ends_range' }
  | { code: 'class_range_reversed' }
  | { code: 'nested_class' }
  | { code: 'too_large' };

export function regexProblemText(problem: RegexProblem): string {
  switch (problem.code) {
    case 'unexpected_char':
      return `unexpected '${problem.char}'`;
    case 'anchor_repeated':
      return 'an anchor cannot be repeated';
    case 'nested_quantifier':
      return 'nested quantifier';
    case 'malformed_repetition':
      return "malformed repetition; write '\\{' for a literal brace";
    case 'repeat_too_large':
      return `repetition count above ${problem.max}`;
    case 'repeat_reversed':
      return 'repetition range is reversed';
    case 'nothing_to_repeat':
      return 'nothing to repeat';
    case 'unsupported_group':
      return 'only (…) and (?:…) groups are supported (no flags, lookaround or names)';
    case 'missing_paren':
      return "missing ')'";
    case 'trailing_backslash':
      return 'trailing backslash';
    case 'unsupported_escape':
      return `unsupported escape '\\${problem.char}'`;
    case 'malformed_hex_escape':
      return 'expected \\xHH or \\x{HHHH}';
    case 'not_scalar_value':
      return 'escape is not a Unicode scalar value';
    case 'empty_class':
      return "empty class; write '\\]' for a literal bracket";
    case 'missing_bracket':
      return "missing ']'";
    case 'class_escape_ends_range':
      return 'a class escape cannot end a range';
    case 'class_range_reversed':
      return 'class range is reversed';
    case 'nested_class':
      return "nested '[' is not supported; write '\\['";
    case 'too_large':
      return 'pattern expands beyond the size limit';
  }
}
