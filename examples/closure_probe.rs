//! Debug aid: run the closure detector on each line of stdin as a customer message
//! (`AUTHOR=us|notice` to change the author; DATE=2026-06-01 to change the send date).
use std::io::BufRead;

use chrono::{DateTime, NaiveDate};
use dealwatch::detect::closure::{Author, ClosureInput, detect_closure};

fn main() {
    let author = match std::env::var("AUTHOR").as_deref() {
        Ok("us") => Author::Us,
        Ok("notice") => Author::Notice,
        _ => Author::Customer,
    };
    let date = std::env::var("DATE").unwrap_or_else(|_| "2026-06-01".into());
    let Ok(day) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
        eprintln!("bad DATE");
        return;
    };
    let Some(sent_at) = day.and_hms_opt(10, 0, 0).and_then(|t| {
        DateTime::parse_from_rfc3339(&format!("{}+02:00", t.format("%Y-%m-%dT%H:%M:%S"))).ok()
    }) else {
        return;
    };
    let lines: Vec<String> = if std::env::var("WHOLE").is_ok() {
        vec![std::io::read_to_string(std::io::stdin()).unwrap_or_default()]
    } else {
        std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .collect()
    };
    for line in lines {
        if std::env::var("MODE").as_deref() == Ok("amount") {
            println!(
                "{:?} | {line}",
                dealwatch::detect::quote::quote_amount(&line)
            );
            continue;
        }
        let input = ClosureInput {
            new_text: &line,
            subject: "",
            sent_at,
            author,
            attachment_names: &[],
        };
        match detect_closure(&input) {
            Some(s) => println!(
                "{:?} {:.2} {:?} {} | {}",
                s.decision, s.confidence, s.revisit_on, s.rule, line
            ),
            None => println!("- | {line}"),
        }
    }
}
