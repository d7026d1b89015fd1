//! dealwatch watches a salesperson's mailbox passively and keeps the sales pipeline honest.
//!
//! # Layout
//!
//! Data flows one way:
//!
//! ```text
//! source (Maildir, mbox, IMAP) → RawMail
//!   → mail::parse → Mail (owned, normalized, new text split from quoted history)
//!   → detect → Facts (direction, automatic mail, quote, request for quote, closure signal)
//!   → pipeline (linking to opportunities, closure proposals; pure, takes `now`)
//!   → store (SQLite, the only SQL) → actions (digest, calendar)
//! ```
//!
//! `detect` and `pipeline` do no I/O and take the time as an argument; the only traits are the
//! real seams: [`source::MailSource`] and [`clock::Clock`].

pub mod adapt;
pub mod calendar;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daemon;
pub mod detect;
pub mod digest;
pub mod export;
pub mod ingest;
pub mod mail;
pub mod ops;
pub mod pipeline;
pub mod smtp;
pub mod source;
pub mod store;
pub mod web;

/// Lets a command whose output goes to a closed pipe (`dealwatch opportunities | head`) end
/// quietly, as Unix tools do, instead of panicking on a failed print. Only for the commands that
/// print and exit: the daemon and the board keep Rust's default (a closed socket is an error).
pub fn quiet_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: restores the default disposition of one signal at start-up, before any thread.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Keeps memory within budget on glibc: one malloc arena for every thread. glibc otherwise gives
/// each thread its own arena, and memory freed by the parsing thread stays in it (a 20,000-message
/// scan peaked at 70 MiB instead of 56 MiB). Call it before any thread starts.
pub fn single_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called at start-up, before any
    // other thread exists, as glibc's documentation asks.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
