use super::*;

async fn read_all(text: &str) -> Vec<RawMail> {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), text).unwrap();
    let mut s = MboxSource::open(f.path(), 1 << 20).unwrap();
    let mut out = Vec::new();
    while let Some(b) = s.next_batch().await.unwrap() {
        out.extend(b.mails);
    }
    out
}

#[tokio::test]
async fn splits_on_from_lines_and_unescapes() {
    let text = "From a@x Mon Jan  1 00:00:00 2026\nSubject: one\n\n>From here\n>>From there\nFrom inside a paragraph is kept\n\nFrom b@x Mon Jan  1 00:00:00 2026\nSubject: two\n\nbody\n";
    let mails = read_all(text).await;
    assert_eq!(mails.len(), 2);
    let first = String::from_utf8(mails[0].bytes.clone()).unwrap();
    assert!(first.contains("\nFrom here\n>From there\n"), "{first}");
    assert!(first.contains("From inside a paragraph is kept"));
    assert!(first.ends_with("kept\n"), "{first:?}");
    assert!(String::from_utf8_lossy(&mails[1].bytes).contains("Subject: two"));
}

#[tokio::test]
async fn empty_file_has_no_message() {
    assert!(read_all("").await.is_empty());
}

#[test]
fn directory_is_refused_clearly() {
    let d = tempfile::tempdir().unwrap();
    let err = MboxSource::open(d.path(), 10).unwrap_err().to_string();
    assert!(err.contains("not an mbox"), "{err}");
}
