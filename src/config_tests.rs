use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    RawConfig::parse(text, Path::new("test.toml"))
}

#[test]
fn identity_only_is_valid() {
    let c = parse("[identity]\naddresses = [\"a@x.fr\"]\ndomains = [\"x.fr\"]\n").unwrap();
    assert_eq!(c.detect.quiet_days, 30);
    assert!(c.identity.is_ours("A@X.FR"));
    assert!(c.identity.is_ours("b@sub.x.fr"));
    assert!(!c.identity.is_ours("b@notx.fr"));
}

#[test]
fn unknown_key_is_rejected_with_its_name() {
    let err = parse("[identity]\naddress = []\n").unwrap_err().to_string();
    assert!(err.contains("address"), "{err}");
}

#[test]
fn plaintext_to_remote_host_is_refused() {
    let text = "[accounts.a]\nhost = \"imap.example.com\"\ntls = \"none\"\nusername = \"u\"\npassword.env = \"P\"\n";
    let err = parse(text).unwrap_err().to_string();
    assert!(err.contains("loopback"), "{err}");
    let ok = text.replace("imap.example.com", "127.0.0.1");
    assert!(parse(&ok).is_ok());
}

#[test]
fn secret_from_env_and_command() {
    let s = Secret::Command("printf 'hunter2\\nignored'".into());
    assert_eq!(s.resolve("test").unwrap(), "hunter2");
    let missing = Secret::Env("DEALWATCH_TEST_SURELY_UNSET".into());
    let err = missing.resolve("imap password").unwrap_err().to_string();
    assert!(err.contains("DEALWATCH_TEST_SURELY_UNSET"));
}

#[test]
fn failing_command_does_not_leak_arguments() {
    let s = Secret::Command("false --secret-arg=topsecret".into());
    let err = s.resolve("smtp password").unwrap_err().to_string();
    assert!(!err.contains("topsecret"), "{err}");
}

#[test]
fn a_password_written_in_clear_is_refused_without_showing_it() {
    let text = "[identity]\naddresses = [\"a@b.example\"]\n[smtp]\nhost = \"smtp.example\"\n\
                from = \"a@b.example\"\npassword = \"hunter2-Secret\"\n";
    let err = Config::parse(text, Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 6") && err.contains("password"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_rejected_value_is_not_repeated() {
    let text = "[identity]\naddresses = [\"a@b.example\"]\n[detect]\nquiet-days = \"soon-ish\"\n";
    let err = Config::parse(text, Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 4"), "{err}");
    assert!(!err.contains("soon-ish"), "{err}");
}

#[test]
fn a_config_anyone_may_write_is_refused_one_others_may_read_is_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "[identity]\naddresses = [\"a@b.example\"]\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
    let err = RawConfig::load(&path).unwrap_err().to_string();
    assert!(err.contains("chmod 600") && err.contains("666"), "{err}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(RawConfig::load(&path).is_ok());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(RawConfig::load(&path).is_ok());
}
