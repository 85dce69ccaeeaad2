//! The `enrichsim` binary: parse the command line, call the library, map errors to exit code 2
//! (130 for a run interrupted after writing its partial result).
//!
//! Every error is one line on standard error. Writing it may itself fail (standard error closed
//! or full): that is ignored, never a panic, and the exit code still says what happened.

use clap::Parser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use enrichsim::output::cli::{Cli, execute};
use std::io::Write;

fn main() {
    let code = match Cli::try_parse() {
        Ok(cli) => match execute(cli) {
            Ok(()) => 0,
            Err(error) => {
                let line = match error {
                    enrichsim::Error::Interrupted { .. } => format!("enrichsim: {error}"),
                    _ => format!("enrichsim: error: {error}"),
                };
                say(&line);
                error.exit_code()
            }
        },
        Err(error) => {
            match error.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = error.print();
                }
                _ => say(&format!("enrichsim: error: {}", one_line(&error))),
            }
            error.exit_code()
        }
    };
    std::process::exit(code);
}

/// Writes one line to standard error, ignoring a failure to write it.
fn say(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}").and_then(|()| stderr.flush());
}

/// A command-line error of clap's in one line, in the library's form for a bad value
/// (`option `--reps`: got -1; allowed: ...`), else clap's first line and where help is.
fn one_line(error: &clap::Error) -> String {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    if matches!(
        error.kind(),
        ErrorKind::ValueValidation | ErrorKind::InvalidValue
    ) && let (Some(arg), Some(value)) = (
        text(ContextKind::InvalidArg),
        text(ContextKind::InvalidValue),
    ) && !value.is_empty()
    {
        let option = arg.split_whitespace().next().unwrap_or(&arg);
        let allowed = match (error.kind(), text(ContextKind::ValidValue)) {
            (ErrorKind::InvalidValue, _) => match error.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(v)) => v.join(", "),
                _ => "a value".into(),
            },
            _ => std::error::Error::source(error).map_or("a valid value".into(), |e| e.to_string()),
        };
        return format!("option `{option}`: got {value}; allowed: {allowed}");
    }
    let rendered = error.render().to_string();
    // clap's first paragraph is the message (its lines joined); tips and usage follow it.
    let paragraph = rendered
        .trim()
        .split("\n\n")
        .next()
        .unwrap_or("bad command line");
    let joined = paragraph
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    let first = joined.strip_prefix("error: ").unwrap_or(&joined);
    format!("{first} (enrichsim --help lists the commands and their options)")
}
