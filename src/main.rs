//! The `enrichsim` binary: parse the command line, call the library, map errors to exit code 2.

use clap::Parser;

fn main() {
    let cli = enrichsim::cli::Cli::parse();
    if let Err(error) = enrichsim::cli::execute(cli) {
        eprintln!("enrichsim: error: {error}");
        std::process::exit(2);
    }
}
