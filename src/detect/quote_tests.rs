use super::*;

fn one(text: &str) -> Money {
    let all = find_amounts(text);
    assert_eq!(all.len(), 1, "{text}: {all:?}");
    all.into_iter().next().unwrap_or(Money {
        value: 0.0,
        currency: "",
        basis: Basis::Unknown,
        offset: 0,
    })
}

fn check(text: &str, value: f64, currency: &str, basis: Basis) {
    let m = one(text);
    assert!((m.value - value).abs() < 0.001, "{text}: {m:?}");
    assert_eq!(m.currency, currency, "{text}");
    assert_eq!(m.basis, basis, "{text}");
}

fn total(text: &str) -> (f64, Basis) {
    let m = quote_amount(text);
    assert!(m.is_some(), "no total in {text}");
    m.map_or((0.0, Basis::Unknown), |m| (m.value, m.basis))
}

#[test]
fn amount_spellings_eur() {
    check("12 400,00 € HT", 12400.0, "EUR", Basis::Net);
    check("12 400 € HT", 12400.0, "EUR", Basis::Net);
    check("12 400,00 EUR HT", 12400.0, "EUR", Basis::Net);
    check("12.400,00 EUR netto", 12400.0, "EUR", Basis::Net);
    check("EUR 12.400,00", 12400.0, "EUR", Basis::Unknown);
    check("EUR 12,400.00", 12400.0, "EUR", Basis::Unknown);
    check("€12,400", 12400.0, "EUR", Basis::Unknown);
    check("€ 12.400,00", 12400.0, "EUR", Basis::Unknown);
    check("12,400.00 EUR excl. VAT", 12400.0, "EUR", Basis::Net);
    check("14.980,00 EUR netto", 14980.0, "EUR", Basis::Net);
    check("EUR 28.750,00 zzgl. MwSt.", 28750.0, "EUR", Basis::Net);
    check("7 152,00 EUR TTC", 7152.0, "EUR", Basis::Gross);
    check("1.234.567,89 €", 1234567.89, "EUR", Basis::Unknown);
    check(
        "Brutto 9.520,00 EUR inkl. MwSt.",
        9520.0,
        "EUR",
        Basis::Gross,
    );
}

#[test]
fn amount_spellings_other_currencies() {
    check("$8,950", 8950.0, "USD", Basis::Unknown);
    check("USD 8,950.00", 8950.0, "USD", Basis::Unknown);
    check("8 950 $", 8950.0, "USD", Basis::Unknown);
    check("£6,300.00 ex VAT", 6300.0, "GBP", Basis::Net);
    check("GBP 6,300", 6300.0, "GBP", Basis::Unknown);
    check("CHF 3'450.00", 3450.0, "CHF", Basis::Unknown);
    check("Total: €9,780 + VAT", 9780.0, "EUR", Basis::Net);
}

#[test]
fn amount_separators_and_ambiguity() {
    check("12\u{202F}400,00\u{A0}€ HT", 12400.0, "EUR", Basis::Net);
    check("12\u{A0}400 €", 12400.0, "EUR", Basis::Unknown);
    check("12,4 k€", 12400.0, "EUR", Basis::Unknown);
    check("env. 12,4 K€ HT", 12400.0, "EUR", Basis::Net);
    check("12.400 EUR", 12400.0, "EUR", Basis::Unknown);
    check("12,40 €", 12.40, "EUR", Basis::Unknown);
    check("12,400 $", 12400.0, "USD", Basis::Unknown);
    check("0,500 €", 0.5, "EUR", Basis::Unknown);
}

#[test]
fn no_amounts_in_plain_numbers() {
    for text in [
        "Tél. 04 65 71 27 40",
        "le 15/10/2025 à 17:22",
        "69100 Villeurbanne",
        "TVA FR42 812447309",
        "30 %",
    ] {
        assert!(find_amounts(text).is_empty(), "{text}");
    }
    assert_eq!(quote_amount("Merci pour votre visite, à bientôt."), None);
}

#[test]
fn amounts_in_order_with_offsets() {
    let text = "2 300 EUR HT, soit 2 760 EUR TTC";
    let all = find_amounts(text);
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].offset, 0);
    assert!(all[1].offset > all[0].offset);
    assert_eq!(all[1].basis, Basis::Gross);
    let ht_ttc = find_amounts("11 860,00 EUR HT / 14 232,00 TTC");
    assert_eq!(ht_ttc.len(), 2);
    assert_eq!(ht_ttc[1].currency, "EUR");
}

#[test]
fn total_prefers_net_over_gross() {
    assert_eq!(
        total("Pour la pose : 2 300 EUR HT, soit 2 760 EUR TTC."),
        (2300.0, Basis::Net)
    );
    assert_eq!(
        total("Montant : 11 860,00 EUR HT / 14 232,00 TTC"),
        (11860.0, Basis::Net)
    );
    assert_eq!(
        total("Total : 9 150,00 € HT (10 980,00 € TTC)."),
        (9150.0, Basis::Net)
    );
    assert_eq!(
        total("Montant : 7 152,00 EUR TTC (association)."),
        (7152.0, Basis::Gross)
    );
}

#[test]
fn total_takes_last_revision() {
    let text = "Total: EUR 12,980.00 excl. VAT.\n\nAfter review, rev. A at EUR 12,400.00 excl. VAT is attached.";
    assert_eq!(total(text).0, 12400.0);
    let fr = "Montant : 29 400,00 € HT.\n\nNouveau montant après révision : 27 950,00 € HT (33 540,00 € TTC).";
    assert_eq!(total(fr), (27950.0, Basis::Net));
    let quoted = "New total: EUR 8,100.00 excl. VAT\n\n> Total: EUR 8,700.00 excl. VAT";
    assert_eq!(total(quoted).0, 8100.0);
}

#[test]
fn total_ignores_other_amounts() {
    let cee =
        "Montant : 38 100,00 € HT, pose comprise.\nLa prime CEE est estimée à 5 900 € environ.";
    assert_eq!(total(cee).0, 38100.0);
    let comp = "Notre prix : 12 300 € HT. Le concurrent à 11 900 € ne comprend pas la pose.";
    assert_eq!(total(comp).0, 12300.0);
    let comp_en = "Their quote was EUR 11,900. Our price is EUR 12,350.00 excl. VAT.";
    assert_eq!(total(comp_en).0, 12350.0);
    let discount = "Remise de 500 € incluse. Total : 9 800 € HT. Acompte de 30 % à la commande.";
    assert_eq!(total(discount).0, 9800.0);
    let unit = "Dalles à 45 €/m², soit un total de 5 400 € HT.";
    assert_eq!(total(unit).0, 5400.0);
    let per_unit = "EUR 85.00 per unit, total EUR 6,800.00 excl. VAT.";
    assert_eq!(total(per_unit).0, 6800.0);
    let de = "Förderung: ca. 3.000 EUR. Gesamtbetrag: 21.400,00 EUR netto, Stückpreis 120,00 EUR pro Stück.";
    assert_eq!(total(de).0, 21400.0);
    let sig = "Montant : 4 100,00 € HT.\n--\nSAS au capital de 60 000 €";
    assert_eq!(total(sig).0, 4100.0);
}

#[test]
fn total_ignores_splits_when_total_given() {
    let text =
        "3rd floor: EUR 9,200.00\n4th floor: EUR 7,520.00\nSame total of EUR 16,720.00 excl. VAT.";
    assert_eq!(total(text).0, 16720.0);
    let lots = "Lot 1 : 8 000 € HT\nLot 2 : 4 500 € HT\nMontant total : 12 500 € HT";
    assert_eq!(total(lots).0, 12500.0);
    let only_subsidy = "La subvention couvre 2 000 €.";
    assert_eq!(quote_amount(only_subsidy), None);
}

#[test]
fn total_in_document_tables() {
    assert_eq!(
        total(
            "Désignation ... 6 657,00 €\nTotal HT 16 480,00 €\nTVA 20 % 3 296,00 €\nTotal TTC 19 776,00 €"
        ),
        (16480.0, Basis::Net)
    );
    assert_eq!(
        total("Eclairage  4 200,00\nTOTAL HT ........ 16 480,00\nTVA 20 % ...... 3 296,00"),
        (16480.0, Basis::Net)
    );
    assert_eq!(
        total("Montant total H.T. : 16 480,00 €"),
        (16480.0, Basis::Net)
    );
    assert_eq!(
        total("Line 10 Store package EUR 12,400.00\nNet value: EUR 12,400.00"),
        (12400.0, Basis::Net)
    );
}

#[test]
fn total_unlabelled_takes_largest() {
    assert_eq!(
        total("Voici ce que je vous propose : 2 300 € HT pour la salle, 800 € HT en option.").0,
        2300.0
    );
    assert_eq!(total("Our price for the lot is $8,950.").0, 8950.0);
}

#[test]
fn quote_refs_positive() {
    let text = "Devis DEV-2026-014, Q-10231 rev. A, OF/2025/118, ANG-4471, D2025-118, QT-2025-0042, OFF-2026-07, Angebot Nr. 2026-0117 et devis n° 2025-118.";
    assert_eq!(
        find_quote_refs(text),
        [
            "DEV-2026-014",
            "Q-10231",
            "OF/2025/118",
            "ANG-4471",
            "D2025-118",
            "QT-2025-0042",
            "OFF-2026-07",
            "2026-0117",
            "2025-118"
        ]
    );
    assert_eq!(
        find_quote_refs("Re: devis DEV-2026-014 et DEV-2026-014"),
        ["DEV-2026-014"]
    );
    assert_eq!(find_quote_refs("Quote_Q-10284_rev1.pdf"), ["Q-10284"]);
    assert_eq!(find_quote_refs("Angebot ANG 4471"), ["ANG4471"]);
}

#[test]
fn quote_refs_negative() {
    for text in [
        "le 12/10/2025 à 14:30",
        "Tél. 04 65 71 27 40, 69100 Villeurbanne",
        "Montant 12 400,00 € HT",
        "SIRET 812 447 309 00012, TVA FR42812447309",
        "PO 4500012345 raised against your order",
        "version v2, rev. A, V3",
        "quote for 2026, devis du 2 octobre, offre valable 30 jours",
        "Facture F2025-12-0457",
        "Q1 2026 and Q3",
        "offer of 2025",
        "devis de 12400 €",
    ] {
        assert!(
            find_quote_refs(text).is_empty(),
            "{text}: {:?}",
            find_quote_refs(text)
        );
    }
}

#[test]
fn po_numbers_found() {
    assert_eq!(
        po_numbers("Please find our PO 4500012345 attached."),
        ["4500012345"]
    );
    assert_eq!(po_numbers("PO#: 88123"), ["88123"]);
    assert_eq!(
        po_numbers("notre bon de commande n° 2025-0412"),
        ["2025-0412"]
    );
    assert_eq!(po_numbers("Bestellnummer 4711"), ["4711"]);
    assert_eq!(po_numbers("order no. 55812"), ["55812"]);
    assert_eq!(
        po_numbers("Purchase order 4500098812 dated 07.11.2025"),
        ["4500098812"]
    );
    assert!(
        po_numbers("Please quote the PO number on all invoices. Your order of 12 items").is_empty()
    );
    assert!(po_numbers("Q-10231 for 12 400 €").is_empty());
}

#[test]
fn attachments() {
    for yes in [
        "Devis_DEV-2026-019.pdf",
        "Quote_Q-10287.pdf",
        "Offer_Q-10239_Pinewood.pdf",
        "Proposition_commerciale_OF-2025-118_indB.docx",
        "ANGEBOT-2026.pdf",
        "Kostenvoranschlag.pdf",
        "presupuesto obra.pdf",
        "Preventivo.pdf",
        "Cotización 12.pdf",
        "Q-10254_signed.pdf",
        "Offre.Eclairage.pdf",
        "quotation v2.pdf",
        "DÉVIS.PDF",
        "proposal-final.docx",
    ] {
        assert!(is_quote_attachment(yes), "{yes}");
    }
    for no in [
        "Facture_123.pdf",
        "Invoice 2025-12.pdf",
        "CGV.pdf",
        "logo.png",
        "image001.jpg",
        "PO_4500012345.pdf",
        "Plans_parking.pdf",
        "SCAN_20260114_093512.pdf",
    ] {
        assert!(!is_quote_attachment(no), "{no}");
    }
}

#[test]
fn presents_quote_positive() {
    for text in [
        "Bonjour,\n\nVeuillez trouver ci-joint notre devis pour la rénovation.\n\nCordialement",
        "Suite à notre échange, je vous adresse notre proposition pour le showroom.",
        "Comme promis, voici notre offre :",
        "Please find attached our quotation for the warehouse.",
        "Our price for the full package is EUR 9,400 excl. VAT.",
        "Here is our quote for the two halls.",
        "Sehr geehrter Herr Weber,\nanbei erhalten Sie unser Angebot für die Halle.",
        "wie besprochen sende ich Ihnen unser Angebot ANG-4471.",
        "Vous trouverez le devis révisé en pièce jointe.",
        "Revised quote attached (rev. B).",
        "Adjunto nuestro presupuesto para la tienda.",
        "In allegato il nostro preventivo per l'ufficio.",
        "The quote for the Lyon office is attached, in US dollars.",
    ] {
        assert!(presents_quote(text).is_some(), "{text}");
    }
    let s = presents_quote(
        "Merci pour la visite. Veuillez trouver ci-joint notre devis DEV-2026-001 pour les bureaux. Bonne journée",
    );
    assert_eq!(
        s.as_deref(),
        Some("Veuillez trouver ci-joint notre devis DEV-2026-001 pour les bureaux.")
    );
}

#[test]
fn presents_quote_negative() {
    for text in [
        "Merci pour votre devis, nous revenons vers vous.",
        "Thanks for the quote, we will review it.",
        "Veuillez trouver ci-joint votre facture n° F2025-12.",
        "Please find our PO 4500012345 attached, raised against your quote Q-10231.",
        "Ci-joint le devis signé, on attend vos dates.",
        "vielen Dank für Ihr Angebot.",
        "> Please find attached our quote Q-1.",
        "",
        // A promise of a quote to come is not a quote.
        "Je vous transmettrai alors une proposition révisée.",
        "We will send a revised quotation once the survey is done.",
        "Dann werden wir Ihnen ein aktualisiertes Angebot schicken.",
        "Le enviaremos un presupuesto revisado tras la visita.",
    ] {
        assert_eq!(presents_quote(text), None, "{text}");
    }
}

#[test]
fn asks_for_quote_positive() {
    for text in [
        "Pourriez-vous nous faire un devis pour la salle ?",
        "Pouvez-vous nous faire une offre pour des dalles LED ?",
        "Merci de nous faire parvenir une proposition avant le 14.",
        "Nous souhaiterions un chiffrage pour le parking.",
        "Objet : demande de devis pour l'atelier",
        "Could you send us pricing for the lighting?",
        "As discussed, can you quote for the following:",
        "Please send us a quote for 40 panels.",
        "We'd like a proposal for the new office.",
        "This is a request for quotation for lot 2.",
        "Wir bitten um ein Angebot für die Beleuchtung.",
        "Können Sie uns ein Angebot machen?",
        "wir bitten um Ihr Angebot für folgende Positionen:",
        "¿Nos podrían enviar un presupuesto para la nave?",
        "Potreste inviarci un preventivo per il negozio?",
    ] {
        assert!(asks_for_quote(text).is_some(), "{text}");
    }
}

#[test]
fn asks_for_quote_negative() {
    for text in [
        "Devis gratuit en 24h ! Cliquez ici.",
        "Get a free quote today.",
        "Thanks for your quote, we will review it internally.",
        "Please send us your RFQ, we will offer best quotation.",
        "We don't need a quote at this stage.",
        "Nous n'avons pas besoin d'un devis pour le moment.",
        "If we need a quote we will let you know.",
        "Merci pour votre devis, très clair.",
        "> Could you send us pricing?",
        "Pourriez-vous réaliser les travaux un samedi ?",
    ] {
        assert_eq!(asks_for_quote(text), None, "{text}");
    }
    assert_eq!(
        asks_for_quote("Hello Claire. Could you send us pricing for the lighting? Thanks")
            .as_deref(),
        Some("Could you send us pricing for the lighting?")
    );
}

#[test]
fn never_panics_on_odd_input() {
    let samples = [
        "€",
        "$",
        "EUR",
        "12,",
        "é€ü\u{202F}£",
        "ci-joint",
        "\u{0}\u{FFFF}",
        "1.2.3.4.5.6 €",
        "9999999999999999999999999999 €",
    ];
    for s in samples {
        let _ = find_amounts(s);
        let _ = quote_amount(s);
        let _ = find_quote_refs(s);
        let _ = po_numbers(s);
        let _ = is_quote_attachment(s);
        let _ = presents_quote(s);
        let _ = asks_for_quote(s);
    }
}

#[test]
fn sentences_survive_abbreviations_and_future() {
    assert_eq!(
        presents_quote("Bonjour M. Tardy, je vous transmets notre proposition technique.")
            .as_deref(),
        Some("Bonjour M. Tardy, je vous transmets notre proposition technique.")
    );
    assert_eq!(
        presents_quote("Anbei erhalten Sie unser Angebot Nr. 2026-0117 für die Halle.").as_deref(),
        Some("Anbei erhalten Sie unser Angebot Nr. 2026-0117 für die Halle.")
    );
    assert_eq!(
        presents_quote("Je vous envoie le devis modifié d'ici une dizaine de jours."),
        None
    );
    assert!(
        presents_quote(
            "Voici ce que je vous propose :\n- 10 suspensions\nPour l'ensemble : 2 300 € HT."
        )
        .is_some()
    );
    assert!(
        presents_quote("Our quote Q-1234 has been uploaded to your supplier portal.").is_some()
    );
    assert_eq!(
        asks_for_quote("Pourriez-vous transmettre ce devis à M. Martin ?"),
        None
    );
    assert_eq!(
        asks_for_quote("Our quote (RFQ event GB-2026-0031) is online."),
        None
    );
}

#[test]
fn random_text_never_panics() {
    let palette: Vec<char> = "0123456789 ,.'’\u{A0}\u{202F}€$£kK-/_:;()>\nHTéÉüßEURUSDGBPCHFdevisquoteAngebotNr°noTTCnet%prime"
        .chars()
        .collect();
    let mut seed: u64 = 42;
    for len in 0..400usize {
        let s: String = (0..len)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let i = usize::try_from(seed >> 33).unwrap_or(0) % palette.len();
                palette.get(i).copied().unwrap_or(' ')
            })
            .collect();
        let _ = find_amounts(&s);
        let _ = quote_amount(&s);
        let _ = find_quote_refs(&s);
        let _ = po_numbers(&s);
        let _ = is_quote_attachment(&s);
        let _ = presents_quote(&s);
        let _ = asks_for_quote(&s);
    }
}
