use super::*;

fn write(p: &Path, body: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, body).unwrap();
}

async fn drain(mut s: MaildirSource) -> Vec<RawMail> {
    let mut out = Vec::new();
    while let Some(b) = s.next_batch().await.unwrap() {
        out.extend(b.mails);
    }
    out
}

#[tokio::test]
async fn fs_layout_without_new_and_tmp() {
    let d = tempfile::tempdir().unwrap();
    write(&d.path().join("INBOX/cur/1:2,S"), "Subject: a\n\nx\n");
    write(&d.path().join("Sent/cur/2:2,S"), "Subject: b\n\ny\n");
    let mails = drain(MaildirSource::open(d.path(), 1 << 20).unwrap()).await;
    let folders: Vec<_> = mails.iter().map(|m| m.folder.as_str()).collect();
    assert_eq!(folders, ["INBOX", "Sent"]);
}

#[tokio::test]
async fn maildir_plus_plus_layout() {
    let d = tempfile::tempdir().unwrap();
    write(&d.path().join("cur/1:2,S"), "Subject: a\n\nx\n");
    write(&d.path().join(".Sent/cur/2:2,S"), "Subject: b\n\ny\n");
    std::fs::create_dir_all(d.path().join(".Sent/tmp")).unwrap();
    let mails = drain(MaildirSource::open(d.path(), 1 << 20).unwrap()).await;
    let mut folders: Vec<_> = mails.iter().map(|m| m.folder.clone()).collect();
    folders.sort();
    assert_eq!(folders, ["INBOX", "Sent"]);
}

#[tokio::test]
async fn oversized_message_is_truncated_not_dropped() {
    let d = tempfile::tempdir().unwrap();
    write(&d.path().join("INBOX/cur/1"), &"x".repeat(5000));
    let mails = drain(MaildirSource::open(d.path(), 1000).unwrap()).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].truncated);
    assert_eq!(mails[0].bytes.len(), 1000);
}

#[test]
fn missing_path_and_non_maildir_are_clear_errors() {
    let err = MaildirSource::open(Path::new("/nonexistent/x"), 10).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/x"));
    let d = tempfile::tempdir().unwrap();
    let err = MaildirSource::open(d.path(), 10).unwrap_err();
    assert!(err.to_string().contains("no Maildir folder"));
}
