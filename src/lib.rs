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

pub mod calendar;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daemon;
pub mod detect;
pub mod digest;
pub mod ingest;
pub mod mail;
pub mod pipeline;
pub mod smtp;
pub mod source;
pub mod store;
