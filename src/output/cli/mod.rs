//! The command line: clap's grammar ([`args`]), one function per command ([`commands`]) and
//! the terminal's side ([`terminal`]: output files, progress bars, Ctrl-C). No statistics here:
//! each command parses its flags and calls the library.
//!
//! The scenario file's keys are documented in docs/scenario.md, the JSON output's fields in
//! docs/output.md.

mod args;
mod commands;
mod terminal;

use crate::error::Result;
pub use args::*;

/// Runs the parsed command line.
pub fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => commands::run(args),
        Command::Compare(args) => commands::compare(args),
        Command::Sweep(args) => commands::sweep(args),
        Command::Size(args) => commands::size(args),
        Command::Merge(args) => commands::merge(args),
        Command::Validate(args) => commands::validate(args),
        Command::Design(args) => commands::design(args),
        Command::Boundaries(args) => commands::boundaries(args),
        Command::Analyze(args) => commands::analyze(args),
        Command::Monitor(args) => commands::monitor(args),
        Command::SimulateData(args) => commands::simulate_data(args),
        Command::Predict(args) => commands::predict(args),
        Command::Report(args) => commands::report(args),
    }
}
