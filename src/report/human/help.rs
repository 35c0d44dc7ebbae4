//! The help of a diagnostic: a remediation's steps, one per line, commands kept whole.

use crate::report::safe::escape_lines;
/// Words to wrap `line` at: the whole line when it is a command (see [`help_text`]), so that
/// it is printed whole on its own line, never broken mid-ID.
pub(super) fn command_as_one_word(
    line: &str,
) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    if is_command(line) || is_shell_comment(line) {
        Box::new(std::iter::once(textwrap::core::Word::from(line)))
    } else {
        textwrap::WordSeparator::new().find_words(line)
    }
}

/// Where a word may be split: at hyphens (textwrap's default), except in a command.
pub(super) fn hyphens_outside_commands(word: &str) -> Vec<usize> {
    if word.contains(' ') {
        Vec::new()
    } else {
        textwrap::WordSplitter::HyphenSplitter.split_points(word)
    }
}

/// Programs a remediation's commands start with.
const COMMANDS: [&str; 5] = ["ibmcloud ", "curl ", "terraform ", "git ", "jq "];

fn is_command(line: &str) -> bool {
    COMMANDS.iter().any(|command| line.starts_with(command))
}

/// A `# ...` line between the steps of a remediation: a shell comment, kept whole like a
/// command, since its wrapped tail would reach the shell as a command when the block is
/// copied.
fn is_shell_comment(line: &str) -> bool {
    line.starts_with('#')
}

/// A remediation as help text: every command (a part starting with [`COMMANDS`], after a
/// line break, `; ` or `: `, up to the next `; `) on a line of its own, printed whole, so
/// that it can be copied; the prose between them wrapped. Escaped: remediations quote names and ids from inputs.
pub(super) fn help_text(remediation: &str) -> String {
    let remediation = escape_lines(remediation);
    let mut lines: Vec<String> = Vec::new();
    for line in remediation.lines() {
        let mut rest = line.trim();
        if is_shell_comment(rest) {
            lines.push(rest.to_owned());
            continue;
        }
        let mut prose = String::new();
        while !rest.is_empty() {
            if is_command(rest) {
                // A command runs to the next `; ` (a shell would end it there too), or the end.
                let (command, next) = match rest.find("; ") {
                    Some(at) => (&rest[..at], &rest[at + 2..]),
                    None => (rest, ""),
                };
                if !prose.trim().is_empty() {
                    lines.push(prose.trim().to_owned());
                }
                prose.clear();
                lines.push(command.trim_end_matches(';').to_owned());
                rest = next.trim_start();
                continue;
            }
            // Prose up to the next command after `; ` or `: `, or the end.
            let split = ["; ", ": "]
                .iter()
                .flat_map(|separator| rest.match_indices(separator))
                .filter(|(at, separator)| is_command(&rest[at + separator.len()..]))
                .min_by_key(|(at, _)| *at);
            match split {
                Some((at, separator)) => {
                    let keep = if separator == ": " { ":" } else { "" };
                    prose.push_str(&rest[..at]);
                    prose.push_str(keep);
                    rest = &rest[at + separator.len()..];
                }
                None => {
                    prose.push_str(rest);
                    rest = "";
                }
            }
        }
        if !prose.trim().is_empty() {
            lines.push(prose.trim().to_owned());
        }
    }
    lines.join("\n")
}
