//! The `enrichsim` binary: parse the command line, call the library, map errors to exit code 2
//! (130 for a run interrupted after writing its partial result).

use clap::Parser;

fn main() {
    let cli = enrichsim::output::cli::Cli::parse();
    if let Err(error) = enrichsim::output::cli::execute(cli) {
        match error {
            enrichsim::Error::Interrupted { .. } => eprintln!("enrichsim: {error}"),
            _ => eprintln!("enrichsim: error: {error}"),
        }
        std::process::exit(error.exit_code());
    }
}
