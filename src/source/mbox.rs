//! An mbox file, as Thunderbird and Google Takeout export it. Streamed: one message in memory at
//! a time. `>From ` quoting is undone (mboxrd: one `>` removed from `>+From ` lines, which also
//! covers mboxo's `>From `).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::{BATCH_BYTES, BATCH_MESSAGES, Batch, MailSource, RawMail, SourceError};

/// Reads the messages of one mbox file.
#[derive(Debug)]
pub struct MboxSource {
    path: PathBuf,
    folder: String,
    reader: BufReader<std::fs::File>,
    offset: u64,
    pending_from: bool,
    done: bool,
    max_bytes: usize,
    line: Vec<u8>,
}

impl MboxSource {
    /// Opens `path`; the folder name is the file's stem. `max_bytes` caps one message.
    pub fn open(path: &Path, max_bytes: usize) -> Result<Self, SourceError> {
        let file = std::fs::File::open(path).map_err(|source| SourceError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(SourceError::NotAMailbox(format!(
                "{} is a directory, not an mbox file (use --maildir for a Maildir)",
                path.display()
            )));
        }
        let folder = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "mbox".to_string());
        Ok(MboxSource {
            path: path.to_path_buf(),
            folder,
            reader: BufReader::with_capacity(256 * 1024, file),
            offset: 0,
            pending_from: false,
            done: false,
            max_bytes,
            line: Vec::new(),
        })
    }

    fn read_line(&mut self) -> Result<bool, SourceError> {
        self.line.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.line)
            .map_err(|source| SourceError::Io {
                path: self.path.display().to_string(),
                source,
            })?;
        self.offset += n as u64;
        Ok(n > 0)
    }

    /// The next message, or None at the end of the file (blocking read).
    pub fn next_message_sync(&mut self) -> Result<Option<RawMail>, SourceError> {
        if self.done {
            return Ok(None);
        }
        // Skip anything before the first "From " line.
        while !self.pending_from {
            if !self.read_line()? {
                self.done = true;
                return Ok(None);
            }
            if self.line.starts_with(b"From ") {
                self.pending_from = true;
            }
        }
        let start = self.offset;
        let mut bytes = Vec::new();
        let mut truncated = false;
        let mut prev_blank = true;
        self.pending_from = false;
        loop {
            if !self.read_line()? {
                self.done = true;
                break;
            }
            if prev_blank && self.line.starts_with(b"From ") {
                self.pending_from = true;
                break;
            }
            prev_blank = self.line == b"\n" || self.line == b"\r\n";
            let unescaped = unescape_from(&self.line);
            if bytes.len() + unescaped.len() > self.max_bytes {
                truncated = true;
            } else {
                bytes.extend_from_slice(unescaped);
            }
        }
        // The blank line before the next "From " belongs to the separator.
        if bytes.ends_with(b"\r\n\r\n") {
            bytes.truncate(bytes.len() - 2);
        } else if bytes.ends_with(b"\n\n") {
            bytes.truncate(bytes.len() - 1);
        }
        Ok(Some(RawMail {
            folder: self.folder.clone(),
            location: format!("{}:{}", self.path.display(), start),
            uid: None,
            bytes,
            truncated,
            received_at: None,
        }))
    }
}

/// `>From ` → `From `, `>>From ` → `>From ` (mboxrd); other lines unchanged.
fn unescape_from(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if quotes > 0 && line[quotes..].starts_with(b"From ") {
        &line[1..]
    } else {
        line
    }
}

impl MailSource for MboxSource {
    fn describe(&self) -> String {
        format!("mbox {}", self.path.display())
    }

    fn total_hint(&self) -> Option<u64> {
        None
    }

    async fn next_batch(&mut self) -> Result<Option<Batch>, SourceError> {
        let mut batch = Batch::default();
        let mut size = 0;
        while batch.mails.len() < BATCH_MESSAGES && size < BATCH_BYTES {
            match self.next_message_sync()? {
                Some(m) => {
                    size += m.bytes.len();
                    batch.mails.push(m);
                }
                None => break,
            }
        }
        Ok(if batch.mails.is_empty() {
            None
        } else {
            Some(batch)
        })
    }
}

#[cfg(test)]
#[path = "mbox_tests.rs"]
mod tests;
