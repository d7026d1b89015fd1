use super::*;
use crate::mail::{Address, AutoHeaders};

fn mail(subject: &str, from: &str, auto: AutoHeaders) -> Mail {
    Mail {
        subject: subject.into(),
        from: Some(Address {
            name: None,
            email: from.into(),
        }),
        auto,
        ..Mail::default()
    }
}

#[test]
fn out_of_office_by_header_or_subject_alone() {
    let h = AutoHeaders {
        auto_submitted: Some("auto-replied".into()),
        ..Default::default()
    };
    assert_eq!(
        classify(&mail("Re: devis", "a@x.fr", h), Direction::Inbound),
        AutoKind::AutoReply
    );
    for s in [
        "Absence : RE: Devis DEV-1",
        "Out of Office: Quote",
        "Réponse automatique : x",
        "Abwesenheitsnotiz: Angebot",
    ] {
        assert_eq!(
            classify(
                &mail(s, "a@x.fr", AutoHeaders::default()),
                Direction::Inbound
            ),
            AutoKind::AutoReply,
            "{s}"
        );
    }
}

#[test]
fn human_subject_mentioning_absence_midway_is_not_auto() {
    let m = mail(
        "Re: planning des travaux pendant mon absence en août",
        "a@x.fr",
        AutoHeaders::default(),
    );
    assert_eq!(classify(&m, Direction::Inbound), AutoKind::None);
}

#[test]
fn bounces_receipts_bulk_and_notices() {
    let dsn = AutoHeaders {
        report_type: Some("delivery-status".into()),
        ..Default::default()
    };
    assert_eq!(
        classify(&mail("x", "a@x.fr", dsn), Direction::Inbound),
        AutoKind::Bounce
    );
    let mdn = AutoHeaders {
        report_type: Some("disposition-notification".into()),
        ..Default::default()
    };
    assert_eq!(
        classify(&mail("Lu : devis", "a@x.fr", mdn), Direction::Inbound),
        AutoKind::Receipt
    );
    let list = AutoHeaders {
        list: true,
        ..Default::default()
    };
    assert_eq!(
        classify(&mail("Promo", "news@shop.fr", list), Direction::Inbound),
        AutoKind::Bulk
    );
    let generated = AutoHeaders {
        auto_submitted: Some("auto-generated".into()),
        ..Default::default()
    };
    assert_eq!(
        classify(
            &mail("Envelope completed", "no-reply@sign.example", generated),
            Direction::Inbound
        ),
        AutoKind::Notice
    );
}

#[test]
fn out_of_office_by_its_short_text_alone() {
    let mut m = mail(
        "Re: solar proposal",
        "laura@vets.example",
        AutoHeaders::default(),
    );
    m.new_text =
        "I am on annual leave until 12 January. Your message has not been forwarded.".into();
    assert_eq!(classify(&m, Direction::Inbound), AutoKind::AutoReply);
    m.new_text = "Je suis absente jusqu'au 5 mars, je vous répondrai à mon retour.".into();
    assert_eq!(classify(&m, Direction::Inbound), AutoKind::AutoReply);
    m.new_text = "Thanks, we accept the quote. ".repeat(40);
    assert_eq!(classify(&m, Direction::Inbound), AutoKind::None);
}
