//! The README's "Is it even CORS?" examples are what the CLI prints today.
//!
//! Each `$ corsim …` line of that section's `text` blocks is run (with
//! `NO_COLOR`); the lines after it, up to the next command, are the output
//! or the parts of it shown: each paragraph (lines between blank lines)
//! must be in the output word for word as consecutive lines, in the order
//! shown. Quoting is the shell's single and double quotes, with `\` at a
//! line's end continuing the command.

use std::path::Path;
use std::process::Command;

/// The commands of `section` and the output shown for each.
fn examples(readme: &str, section: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let start = readme.find(&format!("\n## {section}\n")).unwrap_or_else(|| panic!("README has no section {section:?}"));
    let body = &readme[start + 1..];
    let body = &body[..body[3..].find("\n## ").map_or(body.len(), |e| e + 3)];
    let mut out: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let mut in_text = false;
    let mut command: Option<String> = None;
    for line in body.lines() {
        if line.starts_with("```") {
            in_text = !in_text && line == "```text";
            continue;
        }
        if !in_text {
            continue;
        }
        if let Some(partial) = command.as_mut() {
            match line.trim_start().strip_suffix('\\') {
                Some(more) => partial.push_str(more),
                None => {
                    partial.push_str(line.trim_start());
                    out.push((words(&command.take().unwrap()), Vec::new()));
                }
            }
        } else if let Some(cmd) = line.strip_prefix("$ corsim ") {
            if let Some(cmd) = cmd.strip_suffix('\\') {
                command = Some(cmd.to_owned());
            } else {
                out.push((words(cmd), Vec::new()));
            }
        } else if let Some((_, shown)) = out.last_mut() {
            shown.push(line.to_owned());
        }
    }
    out
}

/// A command line split as a POSIX shell would (quotes; `\` + newline).
fn words(cmd: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = cmd.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    w.push(c);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => w.push(chars.next().unwrap()),
                        c => w.push(c),
                    }
                }
            }
            '\\' => {
                if let Some(c) = chars.next() {
                    word.get_or_insert_with(String::new).push(c);
                }
            }
            c if c.is_whitespace() => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// Whether `shown`'s paragraphs are in `actual`, in order, each as
/// consecutive lines. A line of `…` alone stands for lines left out (it
/// ends a paragraph); a line ending in `…` stands for a line that starts so.
fn shown_in(shown: &[String], actual: &str) -> Result<(), String> {
    let lines: Vec<&str> = actual.lines().collect();
    let same = |shown: &String, line: &&str| match shown.strip_suffix('…') {
        Some(start) => line.starts_with(start),
        None => shown == line,
    };
    let mut from = 0;
    for paragraph in shown.split(|l| l.is_empty() || l.trim() == "…").filter(|p| !p.is_empty()) {
        let found = (from..(lines.len() + 1).saturating_sub(paragraph.len()))
            .find(|&i| paragraph.iter().zip(&lines[i..]).all(|(a, b)| same(a, b)));
        match found {
            Some(i) => from = i + paragraph.len(),
            None => return Err(format!("not in the output (in this order):\n{}", paragraph.join("\n"))),
        }
    }
    Ok(())
}

#[test]
fn is_it_even_cors_examples_are_what_the_cli_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let examples = examples(&readme, "Is it even CORS?");
    assert!(examples.len() >= 10, "an example per check: {} found", examples.len());
    let mut failures = Vec::new();
    for (args, shown) in &examples {
        assert!(!shown.iter().all(|l| l.trim().is_empty()), "corsim {args:?}: the README shows no output");
        let out = Command::new(env!("CARGO_BIN_EXE_corsim")).args(args).current_dir(&root).env("NO_COLOR", "1").output().expect("corsim runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if let Err(e) = shown_in(shown, &stdout) {
            failures.push(format!("$ corsim {}\n{e}\n--- it prints:\n{stdout}", args.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_reader_splits_commands_as_a_shell_does() {
    assert_eq!(words(r#"explain 'data:application/json,{"ok":true}' --page '{"a": 1}' -H "X: \"y\"""#), [
        "explain",
        r#"data:application/json,{"ok":true}"#,
        "--page",
        r#"{"a": 1}"#,
        "-H",
        r#"X: "y""#,
    ]);
    let readme = "\n## A\n```text\n$ corsim explain x \\\n    --origin 'https://a.example'\nout 1\n\nout 2\n```\n## B\n";
    let got = examples(readme, "A");
    assert_eq!(got, [(vec!["explain".to_owned(), "x".into(), "--origin".into(), "https://a.example".into()], vec!["out 1".to_owned(), "".into(), "out 2".into()])]);
    assert!(shown_in(&got[0].1, "head\nout 1\nmiddle\nout 2\n").is_ok());
    assert!(shown_in(&got[0].1, "out 2\nout 1\n").is_err(), "order counts");
    let elided = ["a".to_owned(), "  …".into(), "{\"b\":…".into()];
    assert!(shown_in(&elided, "a\nskipped\n{\"b\":1}\n").is_ok());
    assert!(shown_in(&elided, "a\n{\"c\":1}\n").is_err());
}
