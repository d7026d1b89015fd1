//! The customer's organisation: the registrable domain of an address (subdomains folded), or the
//! whole address for free-mail providers, where the domain says nothing about the company.

use std::sync::LazyLock;

use regex::Regex;

const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.fr",
    "yahoo.co.uk",
    "ymail.com",
    "hotmail.com",
    "hotmail.fr",
    "hotmail.co.uk",
    "hotmail.de",
    "outlook.com",
    "outlook.fr",
    "outlook.de",
    "live.com",
    "live.fr",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "aol.fr",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "sfr.fr",
    "neuf.fr",
    "laposte.net",
    "bbox.fr",
    "numericable.fr",
    "gmx.de",
    "gmx.net",
    "gmx.fr",
    "gmx.com",
    "web.de",
    "t-online.de",
    "freenet.de",
    "posteo.de",
    "mail.de",
    "protonmail.com",
    "proton.me",
    "tutanota.com",
    "libero.it",
    "virgilio.it",
    "tiscali.it",
    "alice.it",
    "terra.es",
    "telefonica.net",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "yandex.ru",
    "btinternet.com",
    "sky.com",
    "bluewin.ch",
    "hispeed.ch",
];

/// Second-level labels under which organisations register (`co.uk`, `com.au`...).
const SECOND_LEVEL: &[&str] = &[
    "co", "com", "org", "net", "ac", "gov", "gouv", "edu", "ltd", "plc", "asso", "nom", "or", "ne",
    "go",
];

/// The organisation key of an email address.
pub fn org_key(email: &str, extra_free_mail: &[String]) -> String {
    let email = email.trim().to_ascii_lowercase();
    let Some((_, domain)) = email.rsplit_once('@') else {
        return email;
    };
    let free = is_free_mail(domain)
        || extra_free_mail
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain));
    if free {
        return email;
    }
    registrable_domain(domain).to_string()
}

/// Providers whose name makes a domain a personal mailbox whatever its country (`gmail.co.uk`,
/// `yahoo.de`, `hotmail.it`...).
const FREE_MAIL_BRANDS: &[&str] = &[
    "gmail",
    "googlemail",
    "yahoo",
    "ymail",
    "hotmail",
    "outlook",
    "live",
    "msn",
    "icloud",
    "aol",
    "gmx",
    "web",
    "t-online",
    "orange",
    "wanadoo",
    "laposte",
    "proton",
    "protonmail",
    "tutanota",
    "libero",
    "virgilio",
    "yandex",
    "zoho",
    "btinternet",
    "bluewin",
    "seznam",
];

/// Whether a domain is a free-mail provider's (where the address, not the domain, is the
/// customer).
pub fn is_free_mail(domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    if FREE_MAIL.contains(&domain.as_str()) {
        return true;
    }
    let org = registrable_domain(&domain);
    let brand = org.split('.').next().unwrap_or("");
    FREE_MAIL_BRANDS.contains(&brand)
}

/// `p2p.fernhill.co.uk` → `fernhill.co.uk`; `mail.example.fr` → `example.fr`.
pub fn registrable_domain(domain: &str) -> &str {
    let labels: Vec<&str> = domain.split('.').collect();
    let n = labels.len();
    if n <= 2 {
        return domain;
    }
    let keep = if labels[n - 1].len() == 2 && SECOND_LEVEL.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    if n <= keep {
        return domain;
    }
    let skip: usize = labels[..n - keep].iter().map(|l| l.len() + 1).sum();
    &domain[skip..]
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}").expect("static regex")
});

/// Email addresses written in a text, lowercased, in order, deduplicated.
pub fn emails_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in EMAIL.find_iter(text).take(50) {
        let e = m.as_str().trim_end_matches('.').to_ascii_lowercase();
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_fold_to_the_organisation() {
        assert_eq!(org_key("a@p2p.fernhill.co.uk", &[]), "fernhill.co.uk");
        assert_eq!(org_key("a@mail.example.fr", &[]), "example.fr");
        assert_eq!(org_key("a@example.fr", &[]), "example.fr");
    }

    #[test]
    fn free_mail_keeps_the_address() {
        assert_eq!(
            org_key("Jean.Dupont@Gmail.com", &[]),
            "jean.dupont@gmail.com"
        );
        assert_eq!(
            org_key("x@corp-mail.example", &["corp-mail.example".into()]),
            "x@corp-mail.example"
        );
    }

    #[test]
    fn emails_are_found_in_text() {
        let t = "Nom : Jean <jean@ex.fr>, copie à marie@ex.fr. Merci";
        assert_eq!(emails_in(t), ["jean@ex.fr", "marie@ex.fr"]);
    }
}
