//! The library's error type.
//!
//! Every variant carries enough to name the culprit: the file, the key or line, the value
//! seen and what is allowed. The binary prints the `Display` form on one line of stderr and
//! exits with code 2 (see `main.rs`).

use std::path::PathBuf;

/// Everything that can go wrong in enrichsim that is the user's input, not a bug.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario file (or a `--set` override) that is malformed or impossible.
    #[error("{file}: key `{key}`: {problem}: got {value}; allowed: {allowed}")]
    Scenario {
        /// The scenario file, as given on the command line.
        file: String,
        /// The dotted path of the offending key, e.g. `design.sample_size`.
        key: String,
        /// What is wrong, in a few words.
        problem: String,
        /// The value seen, rendered as TOML would show it (or `(missing)`).
        value: String,
        /// What would have been accepted.
        allowed: String,
    },
    /// A scenario file that is not valid TOML.
    #[error("{file}: not valid TOML: {message}")]
    ScenarioSyntax {
        /// The scenario file.
        file: String,
        /// The TOML parser's message, with line and column.
        message: String,
    },
    /// A data file (CSV) with a bad line, a missing column or an unreadable value.
    #[error("{file}: line {line}: {message}")]
    Data {
        /// The data file.
        file: String,
        /// 1-based line number in the file (the header is line 1).
        line: u64,
        /// What is wrong: the column, the value and what is allowed.
        message: String,
    },
    /// A data file (CSV) at fault as a whole: empty, no data rows, an arm with no patients, not
    /// a text file. `message` starts with what is at fault (`the file (empty): ...`).
    #[error("{file}: {message}")]
    DataFile {
        /// The data file.
        file: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// A command-line value that is out of range or inconsistent.
    #[error("option `{option}`: got {value}; allowed: {allowed}")]
    Usage {
        /// The option, e.g. `--reps`.
        option: String,
        /// The value given.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// A shard file that cannot be merged: not a shard file, a shard of another run, a shard
    /// given twice or missing, a partial shard.
    #[error("{file}: {problem}")]
    Shard {
        /// The shard file (or files) at fault.
        file: String,
        /// What is wrong.
        problem: String,
    },
    /// The run was stopped (Ctrl-C, or SIGTERM from a scheduler), after writing what it had
    /// when `written`.
    #[error(
        "interrupted: {completed} of {planned} replicates per point were simulated; {}",
        if *written { "the result written is marked partial" } else { "nothing was written (a size search stopped in its pilot, or a report, is not written partial)" }
    )]
    Interrupted {
        /// Replicates finished (per point).
        completed: u64,
        /// Replicates asked for (per point).
        planned: u64,
        /// Whether a partial result was written.
        written: bool,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Shorthand for a [`Error::Usage`] error.
    pub fn usage(option: &str, value: impl ToString, allowed: impl ToString) -> Self {
        Error::Usage {
            option: option.to_string(),
            value: value.to_string(),
            allowed: allowed.to_string(),
        }
    }

    /// The process exit code for this error: 130 (as for SIGINT) for an interrupted run (which
    /// has written its partial result, if it had one); 2 for everything else, which has written
    /// nothing.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Interrupted { .. } => 130,
            _ => 2,
        }
    }

    /// Shorthand for an [`Error::Io`] error.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
