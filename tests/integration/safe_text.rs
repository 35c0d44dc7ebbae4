//! Text that is safe to show and use: remediation commands are printed whole, each on a
//! line of its own, whatever the terminal width, so that they can be copied as they are.

use iamlint::report::{RunReport, human};
use iamlint::rules::Settings;

use crate::common;

/// The `help:` blocks of a human rendering, in order.
fn help_blocks(out: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut lines = out.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(first) = line.strip_prefix("  help: ") else {
            continue;
        };
        let mut block = vec![first.to_owned()];
        while let Some(rest) = lines.peek().and_then(|next| next.strip_prefix("        ")) {
            block.push(rest.to_owned());
            lines.next();
        }
        blocks.push(block.join("\n"));
    }
    blocks
}

#[test]
fn remediation_commands_are_never_wrapped() {
    let checked = common::check(&["fixtures/demo"], &Settings::default());
    let report = RunReport::new(&checked.loaded, &checked.findings);
    let mut narrow = None;
    for width in [60, 80, 100, 200] {
        let style = human::Style {
            width,
            ..human::Style::default()
        };
        let out = human::render(&report, style);
        let blocks = help_blocks(&out);
        assert!(!blocks.is_empty());
        // Every command of every remediation is on one line, whole.
        for finding in &checked.findings {
            let Some(remediation) = &finding.remediation else {
                continue;
            };
            // A `# ...` line between steps is whole too: its wrapped tail would reach the
            // shell as a command when the block is copied.
            for comment in remediation
                .lines()
                .map(str::trim)
                .filter(|line| line.starts_with('#'))
            {
                assert!(
                    out.lines().any(|line| line.trim_start() == comment),
                    "width {width}: `{comment}` is not on a line of its own"
                );
            }
            // Steps are separate lines (or, in older texts, separated by `; `).
            for command in remediation
                .lines()
                .flat_map(|line| line.split("; "))
                .filter(|part| part.starts_with("ibmcloud "))
            {
                assert!(
                    out.lines()
                        .any(|line| line.trim_start().trim_start_matches("help: ") == command),
                    "width {width}: `{command}` is not on a line of its own"
                );
            }
        }
        if width == 80 {
            narrow = Some(blocks.join("\n\n"));
        }
    }
    insta::assert_snapshot!(narrow.unwrap_or_default());
}
