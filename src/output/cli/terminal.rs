//! The command line's dealings with the terminal and the files: writing a report, progress
//! bars on standard error, Ctrl-C and SIGTERM.

use crate::error::{Error, Result};
use crate::output::report;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Writes a rendered report to `path` (atomically) or, without one, standard output.
pub(super) fn emit_to(text: &str, path: Option<&Path>) -> Result<()> {
    match path {
        Some(path) => report::write_atomic(path, text),
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
                .map_err(|e| Error::io(Path::new("(standard output)"), e))
        }
    }
}

/// A progress bar with ETA on stderr.
pub(super) fn progress_bar(total: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} replicates, ETA {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Reads a scenario file's text (it is kept in shard files).
pub(super) fn read_scenario(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// The flag raised by Ctrl-C (SIGINT) or SIGTERM: the engine then finishes the replicates under
/// way and the command writes those done, marked partial. A second signal quits at once. The
/// handler is installed on first use; None if it cannot be.
pub(super) fn interrupt() -> Option<&'static AtomicBool> {
    static FLAG: AtomicBool = AtomicBool::new(false);
    static INSTALLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let installed = *INSTALLED.get_or_init(|| {
        ctrlc::set_handler(|| {
            if FLAG.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!(
                "\nenrichsim: stopping: writing the replicates finished so far (again to quit at once)"
            );
        })
        .is_ok()
    });
    installed.then_some(&FLAG)
}

/// Ok for a complete run; [`Error::Interrupted`] (exit code 130) once a partial result is written.
pub(super) fn interrupted(completed: u64, planned: u64) -> Result<()> {
    if completed < planned {
        Err(Error::Interrupted {
            completed,
            planned,
            written: true,
        })
    } else {
        Ok(())
    }
}

/// A progress bar with ETA on stderr, shown only on a terminal and without --quiet.
pub(super) struct Bar {
    bar: Option<indicatif::ProgressBar>,
}

impl Bar {
    pub(super) fn new(quiet: bool, total: u64) -> Bar {
        Bar {
            bar: (!quiet && std::io::stderr().is_terminal()).then(|| progress_bar(total)),
        }
    }

    /// `done` of `total` replicate simulations finished.
    pub(super) fn at(&self, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            if bar.length() != Some(total) {
                bar.set_length(total);
            }
            bar.set_position(done);
        }
    }

    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
