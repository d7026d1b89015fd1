//! Unit tests for the closure detector: per decision and language, the traps,
//! dates and out-of-office return dates. Sent date is Tuesday 2026-02-10
//! (Paris) unless a test says otherwise.

use super::*;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("test date")
}

fn sent() -> DateTime<FixedOffset> {
    at("2026-02-10T10:00:00+01:00")
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test date")
}

fn run(author: Author, text: &str, subject: &str, atts: &[&str]) -> Option<ClosureSignal> {
    let names: Vec<String> = atts.iter().map(|s| s.to_string()).collect();
    detect_closure(&ClosureInput {
        new_text: text,
        subject,
        sent_at: sent(),
        author,
        attachment_names: &names,
    })
}

fn customer(text: &str) -> Option<ClosureSignal> {
    run(Author::Customer, text, "", &[])
}

fn decision(text: &str) -> Option<Decision> {
    customer(text).map(|s| s.decision)
}

/// The learned detector is graded, not matched: at least [`SHARE`] of each list must be read
/// right (the misses are printed, so a regression shows which sentences it lost).
const SHARE: f64 = 0.75;

fn check_share(what: &str, texts: &[&str], ok: impl Fn(Option<&ClosureSignal>) -> bool) {
    let mut misses = Vec::new();
    for t in texts {
        let got = customer(t);
        if !ok(got.as_ref()) {
            misses.push(format!(
                "{t:?} -> {:?}",
                got.map(|s| (s.decision, s.confidence))
            ));
        }
    }
    let share = 1.0 - misses.len() as f64 / texts.len().max(1) as f64;
    for m in &misses {
        eprintln!("{what}: missed {m}");
    }
    assert!(share >= SHARE, "{what}: {share:.2} < {SHARE}: {misses:#?}");
}

fn assert_all(expected: Decision, texts: &[&str]) {
    check_share(&format!("{expected:?}"), texts, |s| {
        s.map(|s| s.decision) == Some(expected)
    });
}

fn assert_not(unwanted: Decision, texts: &[&str]) {
    check_share(&format!("not {unwanted:?}"), texts, |s| {
        s.map(|s| s.decision) != Some(unwanted)
    });
}

fn assert_open(texts: &[&str]) {
    check_share("open", texts, |s| {
        s.is_none_or(|s| s.decision == Decision::KeepOpen)
    });
}

/// Pauses and the revisit dates they name: at least [`SHARE`] read as on hold with that date.
fn assert_holds(cases: &[(&str, Option<NaiveDate>)]) {
    let mut misses = Vec::new();
    for (t, want) in cases {
        let got = customer(t);
        let ok = got
            .as_ref()
            .is_some_and(|s| s.decision == Decision::OnHold && s.revisit_on == *want);
        if !ok {
            misses.push(format!(
                "{t:?} want {want:?} -> {:?}",
                got.map(|s| (s.decision, s.revisit_on))
            ));
        }
    }
    let share = 1.0 - misses.len() as f64 / cases.len().max(1) as f64;
    assert!(share >= SHARE, "on hold: {share:.2} < {SHARE}: {misses:#?}");
}

#[allow(dead_code)]
fn hold_date(text: &str) -> Option<NaiveDate> {
    let s = customer(text).unwrap_or_else(|| panic!("no signal for {text:?}"));
    assert_eq!(s.decision, Decision::OnHold, "{text:?} -> {s:?}");
    s.revisit_on
}

#[test]
fn lexicons_and_model_load() {
    check_lexicons().expect("shipped lexicons");
    assert_ne!(
        shipped_model(),
        &Model::default(),
        "the shipped model is empty"
    );
    assert!(customer("x").is_none());
    assert_eq!(decision("Auftrag erteilt."), Some(Decision::Won));
    assert!(run(Author::Us, "x", "", &[]).is_none());
    assert!(run(Author::Notice, "x", "", &[]).is_none());
}

// ---------------------------------------------------------------- won

#[test]
fn won_french() {
    assert_all(
        Decision::Won,
        &[
            "Bonjour, Bon pour accord sur le devis DEV-2025-149 d'un montant de 41 200,00 € HT.",
            "J'en ai parlé avec les propriétaires : c'est validé pour la V2 sans le DALI.",
            "C’est bon pour nous, on part là-dessus.",
            "C'est OK pour moi, vous pouvez commander le matériel.",
            "Nous acceptons votre devis, merci.",
            "Le conseil de gestion a validé votre proposition indice B.",
            "Ci-joint le devis signé, on attend vos dates.",
            "ok pour nous !",
            "D'accord pour le devis, on fait comme ça.",
            "je valide le devis",
            "Nous vous passons commande pour l'ensemble.",
            "Veuillez trouver ci-joint notre bon de commande n° 2025-0412.",
            "On part sur votre proposition avec les spots noirs.",
            "Vous avez notre feu vert.",
        ],
    );
}

#[test]
fn won_french_evidence_and_rule() {
    let s =
        customer("Bonjour Claire,\n\nBon pour accord sur le devis DEV-2025-149.\n\nCordialement")
            .expect("signal");
    assert_eq!(s.decision, Decision::Won);
    assert_eq!(s.rule, "model.won");
    assert_eq!(s.sentence, "Bon pour accord sur le devis DEV-2025-149.");
    assert!(s.confidence >= 0.5);
    assert_eq!(s.revisit_on, None);
}

#[test]
fn won_english() {
    assert_all(
        Decision::Won,
        &[
            "That works for us - please go ahead.",
            "Good news, your proposal was approved in the budget meeting yesterday. Can your team start in week 6?",
            "Looks good, let's do it.",
            "Sounds good, please proceed.",
            "We accept your quote Q-10231.",
            "Please find our PO 4500012345 attached.",
            "Signed copy attached.",
            "We'd like to go with your proposal.",
            "You have the green light from us.",
        ],
    );
}

#[test]
fn won_german() {
    assert_all(
        Decision::Won,
        &[
            "hiermit bestellen wir gemäß Ihrem Angebot ANG-4471 vom 03.12.2025.",
            "Wir erteilen Ihnen den Auftrag für die Halle 2.",
            "Auftrag erteilt.",
            "Wir nehmen Ihr Angebot an.",
            "Einverstanden, legen Sie los.",
            "Anbei das unterschriebene Angebot.",
            "Bestellung Nr. 4500123 für Ihr Angebot ANG-4471.",
        ],
    );
}

#[test]
fn won_spanish_italian() {
    assert_all(
        Decision::Won,
        &[
            "Aceptamos el presupuesto, gracias.",
            "Perfecto, adelante.",
            "Accettiamo il preventivo.",
            "Va bene, procediamo.",
        ],
    );
}

#[test]
fn won_by_erp_purchase_order() {
    assert_all(
        Decision::Won,
        &[
            "FERNHILL PACKAGING LTD – PURCHASE ORDER 4500098812\n\nDear Supplier,\n\nPlease find attached our purchase order 4500098812 dated 07.11.2025.",
            "Bestellung Nr. 77812 vom 12.01.2026",
            "Bon de commande n° 2025-0412",
            "Veuillez trouver ci-joint notre bon de commande n° 88120 pour les luminaires.",
        ],
    );
}

// ---------------------------------------------------------------- lost

#[test]
fn lost_french() {
    assert_all(
        Decision::Lost,
        &[
            "On a finalement signé avec un concurrent qui était moins cher.",
            "finalement on reste avec notre électricien habituel, il nous a fait un prix pour tout",
            "le promoteur a finalement décidé de confier l’éclairage à l’entreprise d’électricité qui a déjà le lot.",
            "Nous avons choisi un autre prestataire.",
            "Nous vous informons que votre offre n'a pas été retenue.",
        ],
    );
}

#[test]
fn lost_polite_refusal_opening_with_thanks() {
    let text = "Merci beaucoup pour votre offre très complète et pour le temps consacré. Malheureusement, nous avons retenu une autre proposition, plus proche de notre budget.";
    let s = customer(text).expect("signal");
    assert_eq!(s.decision, Decision::Lost);
    assert!(s.sentence.contains("retenu une autre proposition"), "{s:?}");
}

#[test]
fn lost_english_german_es_it() {
    assert_all(
        Decision::Lost,
        &[
            "We went with another vendor in the end.",
            "The contract has been awarded elsewhere.",
            "Head office decided to use our framework supplier for all sites.",
            "We chose a different contractor who also does the electrics.",
            "Leider haben wir uns für einen anderen Anbieter entschieden.",
            "Wir haben den Auftrag anderweitig vergeben.",
            "Hemos elegido otro proveedor.",
            "Abbiamo scelto un altro fornitore.",
        ],
    );
}

#[test]
fn lost_negated_is_not_lost() {
    assert_not(
        Decision::Lost,
        &[
            "We are not going with another vendor, don't worry.",
            "Nous n'avons pas retenu d'autre offre pour l'instant.",
            "Wir haben uns nicht für einen anderen Anbieter entschieden.",
            "Your competitor is cheaper, can you do better?",
        ],
    );
}

// ---------------------------------------------------------------- vanished

#[test]
fn vanished_all_languages() {
    assert_all(
        Decision::Vanished,
        &[
            "Mauvaise nouvelle, le projet est abandonné : le propriétaire a loué à une banque.",
            "Budget gelé jusqu'à nouvel ordre et on ne donnera pas suite à cette consultation.",
            "Nous avons donc décidé de ne pas donner suite et de conserver l'éclairage actuel.",
            "After looking at our runway we decided not to proceed with the lighting upgrade.",
            "It's no longer a priority, closing this topic on our side.",
            "Please consider our request cancelled.",
            "Das Projekt wurde leider gestrichen.",
            "Wir werden das Vorhaben nicht weiter verfolgen.",
            "El proyecto ha sido cancelado.",
            "Il progetto è stato annullato.",
        ],
    );
}

#[test]
fn traps_between_pause_end_and_revision() {
    let cases: &[(&str, Option<Decision>)] = &[
        (
            "Les investissements sont suspendus : budget gelé jusqu'à nouvel ordre, on ne donnera pas suite.",
            Some(Decision::Vanished),
        ),
        (
            "Le devis DEV-2025-151 est annulé et remplacé par la version 2.",
            None,
        ),
        (
            "Das Angebot vom März ist hinfällig, bitte nehmen Sie die neue Version als Grundlage.",
            None,
        ),
        (
            "The board has cancelled the expansion; there will be no second site.",
            Some(Decision::Vanished),
        ),
        (
            "We're pausing the expansion until the lease is signed, then we'll come back to you.",
            Some(Decision::OnHold),
        ),
    ];
    let right = cases
        .iter()
        .filter(|(t, want)| {
            let got = customer(t)
                .map(|s| s.decision)
                .filter(|d| *d != Decision::KeepOpen);
            eprintln!("{t:?} -> {got:?}");
            got == *want
        })
        .count();
    assert!(
        right * 5 >= cases.len() * 3,
        "{right} of {} traps read right",
        cases.len()
    );
}

// ---------------------------------------------------------------- on hold

#[test]
fn pause_that_sounds_negative_is_on_hold_with_date() {
    assert_eq!(
        hold_date("Not now, budget reopens in October, call me then."),
        Some(ymd(2026, 10, 1))
    );
}

#[test]
fn pause_not_abandoned_has_no_date() {
    let t = "On gèle donc le dossier le temps d'y voir plus clair. Je reviendrai vers vous dès que j'aurai de la visibilité, le projet n'est pas abandonné.";
    assert_eq!(hold_date(t), None);
}

#[test]
fn pauses_and_their_dates() {
    assert_holds(&[
        (
            "Can we put this on hold until the new FM starts? There's no firm date yet.",
            None,
        ),
        (
            "Until that's sorted I can't sign off any works. Can we park this for now? I'll get back in touch.",
            None,
        ),
        (
            "Le projet nous intéresse toujours. Revenez vers nous en septembre, après la fermeture.",
            Some(ymd(2026, 9, 1)),
        ),
        (
            "Re-contactez-moi après le 15 avril, nous pourrons alors fixer une date.",
            Some(ymd(2026, 4, 15)),
        ),
        ("On met en pause jusqu'à la rentrée.", Some(ymd(2026, 9, 1))),
        (
            "This won't make it into the first half. Let's revisit in Q3.",
            Some(ymd(2026, 7, 1)),
        ),
        (
            "Wir legen das Projekt bis September auf Eis.",
            Some(ymd(2026, 9, 1)),
        ),
        ("Lo dejamos para septiembre.", Some(ymd(2026, 9, 1))),
        ("Ne riparliamo a settembre.", Some(ymd(2026, 9, 1))),
        (
            "Please postpone the project until after the summer.",
            Some(ymd(2026, 9, 1)),
        ),
        (
            "Le projet est reporté à l'année prochaine.",
            Some(ymd(2027, 1, 1)),
        ),
        (
            "Please hold off for now, we'll be in touch in the new year.",
            Some(ymd(2027, 1, 5)),
        ),
        ("Nous préférons attendre la rentrée.", Some(ymd(2026, 9, 1))),
        (
            "We zetten het project on hold tot na de bouwvak.",
            Some(ymd(2026, 9, 1)),
        ),
        (
            "Laten we het na Pasen weer oppakken.",
            Some(ymd(2026, 4, 6)),
        ),
    ]);
}

// ---------------------------------------------------------------- keep open and traps

#[test]
fn keep_open_evidence() {
    assert_open(&[
        "Je ne suis pas tout à fait d'accord sur le poste main d'œuvre, 2 jours ça me paraît beaucoup.",
        "Je vous valide le mardi 3 mars à 14h.",
        "Still waiting on sign-off from finance, should have an answer next week.",
        "I'll take it to the partners' meeting next Thursday.",
        "We haven't decided yet.",
        "I'll sign it next week.",
        "Une question avant de signer : les réglettes sont bien gradables ?",
        "Does the price include the dimmers?",
    ]);
}

#[test]
fn negated_or_conditional_acceptance_is_not_won() {
    assert_not(
        Decision::Won,
        &[
            "We can't go ahead for now.",
            "If it is approved, I will sign it through the link straight after the meeting.",
            "Je n'ai pas encore validé le devis.",
            "Wir nehmen das Angebot nicht an.",
            "Once I approve it they raise the PO in our system.",
            "Shall we go ahead with the survey first?",
        ],
    );
}

#[test]
fn acceptance_beats_scheduling_constraint() {
    // An acceptance with a start date or a delivery window is a win, not a pause.
    assert_all(
        Decision::Won,
        &[
            "C'est bon pour nous, on part là-dessus. Pas de travaux avant le 5 janvier, on a l'inventaire.",
            "We accept the quote. Please don't schedule the installation before the 20th, the site is closed.",
            "Wir nehmen Ihr Angebot an, die Montage bitte erst nach den Betriebsferien im August.",
            "Aceptamos la oferta; la instalación, eso sí, a partir de marzo.",
            "Confermiamo l'ordine, ma la consegna non prima di metà febbraio.",
            "Akkoord met de offerte, levering graag pas na de bouwvak.",
        ],
    );
}

#[test]
fn decision_beats_question() {
    let s = customer(
        "Could you send the invoice to accounts? We went with another vendor for phase 2 though.",
    );
    assert_eq!(s.map(|s| s.decision), Some(Decision::Lost));
}

// ---------------------------------------------------------------- author Us

fn us(text: &str) -> Option<ClosureSignal> {
    run(Author::Us, text, "", &[])
}

#[test]
fn us_instructions_and_offers_are_not_signals() {
    for t in [
        "Merci de nous retourner le devis signé avec la mention « Bon pour accord ».",
        "Happy to proceed whenever you are.",
        "Let us know if you want to go ahead.",
        "Sans retour de votre part, je considérerai le dossier comme clos.",
        "We can't match the competitor's price, but we can offer free maintenance.",
        "wir bestellen gemäß Ihrem Angebot Nr. 2026-0117.",
    ] {
        assert_eq!(us(t), None, "{t:?}");
    }
}

#[test]
fn us_reports_of_customer_decisions() {
    let s = us("Suite à notre appel, je vous confirme votre commande.").expect("signal");
    assert_eq!(s.decision, Decision::Won);
    assert_eq!(
        us("Thanks for your order, we'll schedule the works.").map(|s| s.decision),
        Some(Decision::Won)
    );
    assert_eq!(
        us("Merci pour votre commande !").map(|s| s.decision),
        Some(Decision::Won)
    );
    assert_eq!(
        us("As agreed on the phone, you are going with another supplier; thanks for your time.")
            .map(|s| s.decision),
        Some(Decision::Lost)
    );
}

// ---------------------------------------------------------------- notices

fn notice(subject: &str, body: &str) -> Option<ClosureSignal> {
    run(Author::Notice, body, subject, &[])
}

#[test]
fn esign_completed_fr_en_de() {
    let s = notice(
        "Terminé : DEV-2026-009 a été signé par tous les destinataires",
        "Tous les destinataires ont signé\n\n« DEV-2026-009 » est terminé : tous les destinataires ont signé.",
    )
    .expect("signal");
    assert_eq!(s.decision, Decision::Won);
    assert_eq!(
        notice("Completed: Q-10254", "All parties have signed Q-10254.").map(|s| s.decision),
        Some(Decision::Won)
    );
    assert_eq!(
        notice(
            "Abgeschlossen: ANG-4471",
            "Das Dokument wurde von allen unterzeichnet."
        )
        .map(|s| s.decision),
        Some(Decision::Won)
    );
}

#[test]
fn esign_declined() {
    let s = notice(
        "Declined: Q-10265 was declined by Siobhan Murphy",
        "Reason given by the signer:\n\"The Board has decided to award the contract to another supplier.\"\n\nA declined envelope can no longer be signed.",
    )
    .expect("signal");
    assert_eq!(s.decision, Decision::Lost);
    let bare = notice(
        "Refusé : DEV-2026-016",
        "Julien Ferrand a refusé de signer « DEV-2026-016 ».",
    )
    .expect("signal");
    assert_eq!(bare.decision, Decision::Vanished);
    assert!(bare.confidence <= 0.5);
}

#[test]
fn esign_viewed_reminder_voided_are_nothing() {
    let viewed = "Julien Ferrand a ouvert « DEV-2026-016 ». Le document n'est pas encore signé.\nVous serez averti(e) dès que le document aura été signé ou refusé.";
    assert_eq!(
        notice(
            "Consulté : DEV-2026-016 a été ouvert par Julien Ferrand",
            viewed
        ),
        None
    );
    assert_eq!(
        notice(
            "Rappel : DEV-2026-016 – document en attente de signature",
            "Un rappel automatique a été envoyé."
        ),
        None
    );
    assert_eq!(
        notice(
            "Viewed: Q-10265",
            "Siobhan Murphy viewed Q-10265. Awaiting signature."
        ),
        None
    );
    assert_eq!(
        notice(
            "Reminder: please sign Q-10265",
            "This document is awaiting your signature."
        ),
        None
    );
    assert_eq!(
        notice("Voided: Q-10265", "The sender voided this envelope."),
        None
    );
    assert_eq!(
        notice(
            "Annulé : DEV-2026-016",
            "L'enveloppe a été annulée par l'expéditeur."
        ),
        None
    );
}

#[test]
fn tender_notices() {
    let lost = notice(
        "Avis d'attribution — lot 2 éclairage : votre offre n'a pas été retenue",
        "Nous avons le regret de vous informer que votre offre pour le lot n° 2 n'a pas été retenue.\nAttributaire : LUMIÈRES SAS\nMontant de l'offre retenue : 35 912,40 € HT",
    )
    .expect("signal");
    assert_eq!(lost.decision, Decision::Lost);
    assert_eq!(
        notice(
            "Contract award",
            "We regret that your tender has not been successful."
        )
        .map(|s| s.decision),
        Some(Decision::Lost)
    );
    assert_eq!(
        notice("Attribution", "Vous êtes attributaire du lot 2.").map(|s| s.decision),
        Some(Decision::Won)
    );
    assert_eq!(
        notice("Award", "Your tender has been successful.").map(|s| s.decision),
        Some(Decision::Won)
    );
}

// ---------------------------------------------------------------- attachments

#[test]
fn attachments_signed_or_purchase_order() {
    let po = run(
        Author::Customer,
        "Please find attached.",
        "",
        &["PO_4500012345.pdf"],
    )
    .expect("signal");
    assert_eq!(po.decision, Decision::Won);
    assert!(po.sentence.contains("PO_4500012345.pdf"));
    assert_eq!(
        run(Author::Customer, "ci-joint", "", &["BC_2025-0412.pdf"]).map(|s| s.decision),
        Some(Decision::Won)
    );
    assert_eq!(
        run(Author::Customer, "", "", &["Q-10254_signed.pdf"]).map(|s| s.decision),
        Some(Decision::Won)
    );
    assert_eq!(
        run(Author::Customer, "", "", &["Devis_DEV-2026-004_BPA.pdf"]).map(|s| s.decision),
        Some(Decision::Won)
    );
    assert_eq!(
        run(
            Author::Customer,
            "Ci-joint, signé.",
            "",
            &["SCAN_20260114_093512.pdf"]
        )
        .map(|s| s.decision),
        Some(Decision::Won)
    );
    assert_eq!(
        run(
            Author::Customer,
            "Signed copy attached, thanks",
            "",
            &["IMG_2231.jpg"]
        )
        .map(|s| s.decision),
        Some(Decision::Won)
    );
    assert_eq!(
        run(
            Author::Customer,
            "Angebot unterschrieben zurück.",
            "",
            &["Doc1.pdf"]
        )
        .map(|s| s.decision),
        Some(Decision::Won)
    );
}

#[test]
fn meaningless_or_unsigned_attachments_are_nothing() {
    assert_eq!(run(Author::Customer, "", "", &["scan0042.pdf"]), None);
    assert_eq!(
        run(
            Author::Customer,
            "Bonjour, voir pièce jointe.",
            "",
            &["IMG_2231.jpg"]
        ),
        None
    );
    assert_eq!(run(Author::Customer, "", "", &["devis.pdf"]), None);
    assert_eq!(run(Author::Customer, "", "", &["Devis_a_signer.pdf"]), None);
}

// ---------------------------------------------------------------- robustness

#[test]
fn never_panics_on_odd_input() {
    let long = "é".repeat(100_000) + "bon pour accord";
    for t in [
        "",
        " ",
        "\n\n\n",
        "?",
        "....",
        "ß€£’«»\u{301}\u{0}",
        "q3 q3 q3",
        long.as_str(),
        "15/13/2026 31.02. 2026-13-45",
    ] {
        let _ = customer(t);
        let _ = us(t);
        let _ = notice(t, t);
        let _ = resolve_date(t, sent());
        let _ = out_of_office_return(t, sent());
    }
}

// ---------------------------------------------------------------- dates

fn d(text: &str) -> Option<NaiveDate> {
    resolve_date(text, sent())
}

#[test]
fn dates_explicit() {
    assert_eq!(d("après le 15 avril"), Some(ymd(2026, 4, 15)));
    assert_eq!(d("le 15/04"), Some(ymd(2026, 4, 15)));
    assert_eq!(d("am 15.04.2026"), Some(ymd(2026, 4, 15)));
    assert_eq!(d("April 15th"), Some(ymd(2026, 4, 15)));
    assert_eq!(d("after the 15th of April"), Some(ymd(2026, 4, 15)));
    assert_eq!(d("after 15 April"), Some(ymd(2026, 4, 15)));
    assert_eq!(d("2026-04-15"), Some(ymd(2026, 4, 15)));
    assert_eq!(d("le 1er mars"), Some(ymd(2026, 3, 1)));
    assert_eq!(d("am 15. April"), Some(ymd(2026, 4, 15)));
    // a past day-month without year is next year's
    assert_eq!(d("le 5 janvier"), Some(ymd(2027, 1, 5)));
    assert_eq!(d("le 10/02"), Some(ymd(2026, 2, 10)));
}

#[test]
fn dates_month_alone() {
    assert_eq!(d("en septembre"), Some(ymd(2026, 9, 1)));
    assert_eq!(d("in September"), Some(ymd(2026, 9, 1)));
    assert_eq!(d("im September"), Some(ymd(2026, 9, 1)));
    // before the sent month -> next year
    assert_eq!(d("en janvier"), Some(ymd(2027, 1, 1)));
    assert_eq!(d("in March"), Some(ymd(2026, 3, 1)));
    assert_eq!(d("en septembre 2027"), Some(ymd(2027, 9, 1)));
}

#[test]
fn dates_named_periods() {
    assert_eq!(d("après la rentrée"), Some(ymd(2026, 9, 1)));
    assert_eq!(d("la rentree"), Some(ymd(2026, 9, 1)));
    assert_eq!(d("after the summer"), Some(ymd(2026, 9, 1)));
    assert_eq!(d("après l'été"), Some(ymd(2026, 9, 1)));
    assert_eq!(d("nach den Sommerferien"), Some(ymd(2026, 9, 1)));
    assert_eq!(d("Q3"), Some(ymd(2026, 7, 1)));
    assert_eq!(d("au 3e trimestre"), Some(ymd(2026, 7, 1)));
    assert_eq!(d("im dritten Quartal"), Some(ymd(2026, 7, 1)));
    assert_eq!(d("Q1"), Some(ymd(2027, 1, 1)));
    assert_eq!(d("Q2 2026"), Some(ymd(2026, 4, 1)));
}

#[test]
fn dates_relative() {
    assert_eq!(d("next month"), Some(ymd(2026, 3, 1)));
    assert_eq!(d("le mois prochain"), Some(ymd(2026, 3, 1)));
    assert_eq!(d("nächsten Monat"), Some(ymd(2026, 3, 1)));
    assert_eq!(d("in two weeks"), Some(ymd(2026, 2, 24)));
    assert_eq!(d("dans 15 jours"), Some(ymd(2026, 2, 25)));
    assert_eq!(d("in 3 Wochen"), Some(ymd(2026, 3, 3)));
    assert_eq!(d("next year"), Some(ymd(2027, 1, 1)));
    assert_eq!(d("l'année prochaine"), Some(ymd(2027, 1, 1)));
    assert_eq!(d("début 2027"), Some(ymd(2027, 1, 1)));
    assert_eq!(d("early 2027"), Some(ymd(2027, 1, 1)));
    assert_eq!(d("Anfang nächsten Jahres"), Some(ymd(2027, 1, 1)));
    assert_eq!(d("zu Beginn des kommenden Jahres"), Some(ymd(2027, 1, 1)));
    assert_eq!(d("all'inizio dell'anno prossimo"), Some(ymd(2027, 1, 1)));
    assert_eq!(d("next week"), Some(ymd(2026, 2, 16)));
    assert_eq!(d("la semaine prochaine"), Some(ymd(2026, 2, 16)));
    assert_eq!(d("lundi prochain"), Some(ymd(2026, 2, 16)));
    assert_eq!(d("next Tuesday"), Some(ymd(2026, 2, 17)));
    assert_eq!(d("nächsten Freitag"), Some(ymd(2026, 2, 13)));
}

#[test]
fn dates_mid_end_start_of_month() {
    assert_eq!(d("mi-mars"), Some(ymd(2026, 3, 15)));
    assert_eq!(d("mid-March"), Some(ymd(2026, 3, 15)));
    assert_eq!(d("fin juin"), Some(ymd(2026, 6, 30)));
    assert_eq!(d("end of June"), Some(ymd(2026, 6, 30)));
    assert_eq!(d("Ende Februar"), Some(ymd(2026, 2, 28)));
    assert_eq!(d("début mars"), Some(ymd(2026, 3, 1)));
}

#[test]
fn dates_year_rollover_in_december() {
    let dec = at("2025-12-15T09:00:00+01:00");
    assert_eq!(
        resolve_date("after the holidays", dec),
        Some(ymd(2026, 1, 5))
    );
    assert_eq!(resolve_date("après les fêtes", dec), Some(ymd(2026, 1, 5)));
    assert_eq!(resolve_date("en mars", dec), Some(ymd(2026, 3, 1)));
    assert_eq!(resolve_date("next month", dec), Some(ymd(2026, 1, 1)));
    assert_eq!(resolve_date("le 10 janvier", dec), Some(ymd(2026, 1, 10)));
    assert_eq!(resolve_date("next week", dec), Some(ymd(2025, 12, 22)));
    assert_eq!(resolve_date("Q1", dec), Some(ymd(2026, 1, 1)));
}

#[test]
fn dates_use_the_local_date_of_sent_at() {
    // 23:30 in New York is already the next day in UTC.
    let ny = at("2026-02-28T23:30:00-05:00");
    assert_eq!(resolve_date("tomorrow", ny), Some(ymd(2026, 3, 1)));
    assert_eq!(resolve_date("in 2 days", ny), Some(ymd(2026, 3, 2)));
}

#[test]
fn dates_none_when_nothing_named() {
    for t in [
        "Merci pour votre devis DEV-2025-162.",
        "12.5 m de rail",
        "1 480,00 € HT",
        "Q-10254",
        "We may come back",
        "PO 4500098812",
        "Guten Morgen Frau Besson",
        "2 x 1/2 journée",
    ] {
        assert_eq!(d(t), None, "{t:?}");
    }
}

// ---------------------------------------------------------------- out of office

#[test]
fn out_of_office_return_dates() {
    let dec = at("2025-12-22T08:00:00+01:00");
    assert_eq!(
        out_of_office_return("Je suis absente. De retour le 12 janvier.", dec),
        Some(ymd(2026, 1, 12))
    );
    assert_eq!(
        out_of_office_return("I'm out of the office, back on Monday 5 Jan.", dec),
        Some(ymd(2026, 1, 5))
    );
    assert_eq!(
        out_of_office_return("Ich bin ab dem 07.01.2026 wieder erreichbar.", dec),
        Some(ymd(2026, 1, 7))
    );
    assert_eq!(
        out_of_office_return("I will return on 2026-01-12.", dec),
        Some(ymd(2026, 1, 12))
    );
    assert_eq!(
        out_of_office_return(
            "I am out of the office until 12 January with limited access to email.",
            dec
        ),
        Some(ymd(2026, 1, 12))
    );
    assert_eq!(
        out_of_office_return("Je suis absent jusqu'au lundi 5 janvier inclus.", dec),
        Some(ymd(2026, 1, 6))
    );
    assert_eq!(
        out_of_office_return(
            "Vielen Dank. Ich bin vom 22.12. bis zum 6. Januar nicht im Büro.",
            dec
        ),
        Some(ymd(2026, 1, 6))
    );
    assert_eq!(
        out_of_office_return("On annual leave, returning Monday 2 March.", sent()),
        Some(ymd(2026, 3, 2))
    );
    assert_eq!(out_of_office_return("Thank you for your email.", dec), None);
}

#[test]
fn more_everyday_phrasings() {
    assert_all(
        Decision::Won,
        &[
            "OK, on valide. Quand pouvez-vous intervenir ?",
            "Parfait, on signe !",
            "Wir haben uns für Ihr Angebot entschieden.",
            "Nous avons décidé de travailler avec vous.",
        ],
    );
    assert_all(
        Decision::Lost,
        &[
            "On a trouvé moins cher ailleurs.",
            "Désolé, nous sommes partis sur une autre solution.",
            "We've decided to stay with our current supplier.",
        ],
    );
    assert_all(
        Decision::Vanished,
        &[
            "Finalement on ne fait pas les travaux cette année.",
            "Unfortunately the client pulled the plug on the project.",
            "We're not interested anymore, thanks.",
            "Nous avons abandonné le projet de rénovation.",
            "The project has been scrapped by head office.",
            "Wir machen die Umstellung jetzt doch mit unseren eigenen Leuten.",
            "Abbiamo deciso di tenere la vecchia macchina ancora qualche anno.",
            "Hemos decidido no seguir adelante con la obra.",
        ],
    );
    assert_open(&[
        "On valide le mardi 3 mars.",
        "Thanks for the quote, we will review it internally and get back to you.",
        "Thanks, I'll forward it to our managing director.",
        "Merci, je reviens vers vous après lecture.",
        "Können Sie uns die Preise auch ohne Montage nennen?",
        "Wij hebben uw offerte goed ontvangen en bekijken die intern.",
        "Ricevuto, grazie: la valutiamo con l'ufficio tecnico.",
        "Devis bien reçu, merci. Je le transmets à la direction.",
        // Decision words aimed at a side task.
        "Go ahead and send me the revised quote.",
        "Merci de nous le retourner signé.",
    ]);
}
