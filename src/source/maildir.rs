//! A Maildir tree on disk: folders in fs layout (`DIR/INBOX/cur`, `DIR/Sent/cur`) or Maildir++
//! (`DIR/cur`, `DIR/.Sent/cur`). Missing `new/` or `tmp/` are tolerated. Files are listed up
//! front (names only) and read one at a time.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{BATCH_BYTES, BATCH_MESSAGES, Batch, MailSource, RawMail, SourceError};

/// Reads every message of a Maildir tree.
#[derive(Debug)]
pub struct MaildirSource {
    root: PathBuf,
    files: Vec<(String, PathBuf)>,
    next: usize,
    max_bytes: usize,
}

impl MaildirSource {
    /// Lists the folders and message files under `root`; `max_bytes` caps one message.
    pub fn open(root: &Path, max_bytes: usize) -> Result<Self, SourceError> {
        let meta = std::fs::metadata(root).map_err(|source| SourceError::Io {
            path: root.display().to_string(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(SourceError::NotAMailbox(format!(
                "{} is not a directory",
                root.display()
            )));
        }
        let mut folders = Vec::new();
        find_folders(root, root, 0, &mut folders)?;
        if folders.is_empty() {
            return Err(SourceError::NotAMailbox(format!(
                "{} holds no Maildir folder (no cur/ or new/ found)",
                root.display()
            )));
        }
        folders.sort();
        let mut files = Vec::new();
        for (name, dir) in folders {
            for sub in ["cur", "new"] {
                let d = dir.join(sub);
                let Ok(entries) = std::fs::read_dir(&d) else {
                    continue;
                };
                let mut names: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
                    .map(|e| e.path())
                    .filter(|p| !is_hidden(p))
                    .collect();
                names.sort();
                files.extend(names.into_iter().map(|p| (name.clone(), p)));
            }
        }
        Ok(MaildirSource {
            root: root.to_path_buf(),
            files,
            next: 0,
            max_bytes,
        })
    }

    fn read_one(&self, path: &Path) -> Result<(Vec<u8>, bool), std::io::Error> {
        let file = std::fs::File::open(path)?;
        let mut bytes = Vec::new();
        let limit = self.max_bytes as u64;
        file.take(limit + 1).read_to_end(&mut bytes)?;
        let truncated = bytes.len() as u64 > limit;
        bytes.truncate(self.max_bytes);
        Ok((bytes, truncated))
    }
}

/// The delivery time: the leading Unix time of a Maildir file name, else the file's mtime.
fn delivery_time(p: &Path) -> Option<chrono::DateTime<chrono::Utc>> {
    let name = p.file_name()?.to_str()?;
    let digits: String = name.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() >= 9
        && let Ok(secs) = digits.parse::<i64>()
    {
        return chrono::DateTime::from_timestamp(secs, 0);
    }
    let mtime = std::fs::metadata(p).ok()?.modified().ok()?;
    Some(chrono::DateTime::<chrono::Utc>::from(mtime))
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .map(|n| n.starts_with('.'))
        .unwrap_or(true)
}

/// Folder name for a directory: fs layout gives the relative path, Maildir++ the dotted name.
fn folder_name(root: &Path, dir: &Path) -> String {
    let rel = dir.strip_prefix(root).unwrap_or(dir);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        return "INBOX".to_string();
    }
    s.trim_start_matches('.').replace("/.", "/").to_string()
}

fn find_folders(
    root: &Path,
    dir: &Path,
    depth: usize,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), SourceError> {
    if depth > 8 {
        return Ok(());
    }
    if dir.join("cur").is_dir() || dir.join("new").is_dir() {
        out.push((folder_name(root, dir), dir.to_path_buf()));
    }
    let entries = std::fs::read_dir(dir).map_err(|source| SourceError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if matches!(name.as_ref(), "cur" | "new" | "tmp") {
            continue;
        }
        if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            find_folders(root, &path, depth + 1, out)?;
        }
    }
    Ok(())
}

impl MailSource for MaildirSource {
    fn describe(&self) -> String {
        format!("maildir {}", self.root.display())
    }

    fn total_hint(&self) -> Option<u64> {
        Some(self.files.len() as u64)
    }

    async fn next_batch(&mut self) -> Result<Option<Batch>, SourceError> {
        if self.next >= self.files.len() {
            return Ok(None);
        }
        let mut batch = Batch::default();
        let mut bytes_in_batch = 0;
        while self.next < self.files.len()
            && batch.mails.len() < BATCH_MESSAGES
            && bytes_in_batch < BATCH_BYTES
        {
            let (folder, path) = &self.files[self.next];
            self.next += 1;
            match self.read_one(path) {
                Ok((bytes, truncated)) => {
                    bytes_in_batch += bytes.len();
                    batch.mails.push(RawMail {
                        folder: folder.clone(),
                        location: path.display().to_string(),
                        uid: None,
                        bytes,
                        truncated,
                        received_at: delivery_time(path),
                    });
                }
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e, "cannot read message, skipped")
                }
            }
        }
        Ok(Some(batch))
    }
}

#[cfg(test)]
#[path = "maildir_tests.rs"]
mod tests;
