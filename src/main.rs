//! The `dealwatch` binary: parses arguments, runs the command, prints the error chain once.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    dealwatch::single_malloc_arena();
    let cli = dealwatch::cli::Cli::parse();
    if !matches!(
        cli.command,
        dealwatch::cli::Command::Daemon | dealwatch::cli::Command::Serve { .. }
    ) {
        dealwatch::quiet_broken_pipe();
    }
    dealwatch::cli::init_logging(cli.verbose, cli.quiet);
    match dealwatch::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dealwatch: {e:#}");
            ExitCode::from(1)
        }
    }
}
