use super::*;

fn split(text: &str) -> Segmented {
    split_quoted(text)
}

// ───────────── strip_controls ─────────────

#[test]
fn strip_controls_removes_nul_esc_del_and_c1() {
    assert_eq!(
        strip_controls("a\u{0}b\u{1b}[0mc\u{7f}d\u{85}e\u{9b}f"),
        "ab[0mcdef"
    );
}

#[test]
fn strip_controls_keeps_newline_and_tab() {
    assert_eq!(strip_controls("Qté\t12\nPrix\t40 €"), "Qté\t12\nPrix\t40 €");
}

#[test]
fn strip_controls_normalises_crlf_and_lone_cr() {
    assert_eq!(strip_controls("a\r\nb\rc\r\n\r\nd"), "a\nb\nc\n\nd");
}

#[test]
fn strip_controls_removes_bidi_overrides() {
    let s = "facture\u{202E}fdp.exe\u{202C} \u{2066}ok\u{2069}\u{202A}\u{202B}\u{202D}";
    assert_eq!(strip_controls(s), "facturefdp.exe ok");
}

#[test]
fn strip_controls_keeps_ordinary_unicode() {
    let s = "Grüße – 12 400,00 € · Ñandú 日本";
    assert_eq!(strip_controls(s), s);
}

// ───────────── html_to_text ─────────────

#[test]
fn html_drops_script_style_head() {
    let html = "<html><head><title>T</title><style>p{color:red}</style></head>\
                <body><script>alert('x<y')</script><p>Bonjour Claire,</p><p>Voici le plan.</p></body></html>";
    assert_eq!(html_to_text(html), "Bonjour Claire,\nVoici le plan.");
}

#[test]
fn html_line_breaks_and_blank_line_collapse() {
    let html = "Ligne 1<br>Ligne 2<br/><br><br><br>Ligne 3<div>Bloc</div><h2>Titre</h2>Fin";
    assert_eq!(
        html_to_text(html),
        "Ligne 1\nLigne 2\n\nLigne 3\nBloc\nTitre\nFin"
    );
}

#[test]
fn html_decodes_entities() {
    let html = "&Eacute;clairage d&eacute;j&agrave; pos&eacute; : 1&nbsp;200&nbsp;&euro; &amp; &lt;5&gt; &quot;ok&quot; l&#39;atelier &#x2013; &#8364; &bogus; & fin";
    assert_eq!(
        html_to_text(html),
        "Éclairage déjà posé : 1 200 € & <5> \"ok\" l'atelier – € &bogus; & fin"
    );
}

#[test]
fn html_outlook_nbsp_paragraphs_give_blank_lines() {
    let html =
        "<p class=MsoNormal>Bonjour,<o:p></o:p></p><p class=MsoNormal>&nbsp;</p><p>Merci.</p>";
    assert_eq!(html_to_text(html), "Bonjour,\n\nMerci.");
}

#[test]
fn html_table_cells_are_separated() {
    let html = "<table><tr><td>Réf.</td><td>Qté</td><td>Prix</td></tr>\
                <tr><td>Spot LED</td><td>12</td><td>45,00 &euro;</td></tr></table>";
    assert_eq!(html_to_text(html), "Réf.\tQté\tPrix\nSpot LED\t12\t45,00 €");
}

#[test]
fn html_blockquote_becomes_quoted_lines() {
    let html = "<div>Oui, c'est validé.</div><div>Le 3 mars 2026 à 09:00, Claire &lt;c@v.fr&gt; a écrit :</div>\
                <blockquote type=\"cite\"><div>Voici le devis.</div><blockquote><p>Demande initiale</p></blockquote></blockquote>";
    let text = html_to_text(html);
    assert_eq!(
        text,
        "Oui, c'est validé.\nLe 3 mars 2026 à 09:00, Claire <c@v.fr> a écrit :\n> Voici le devis.\n> > Demande initiale"
    );
    let seg = split_quoted(&text);
    assert_eq!(seg.new_text, "Oui, c'est validé.");
    assert!(seg.had_quote);
}

#[test]
fn html_whitespace_collapses_and_pre_is_kept() {
    let html = "<p>  Un    texte\n   sur\tplusieurs   lignes </p><pre>a  b\nc</pre>";
    assert_eq!(html_to_text(html), "Un texte sur plusieurs lignes\na  b\nc");
}

#[test]
fn html_lists_become_bullets() {
    assert_eq!(
        html_to_text("<ul><li>hall</li><li>quai</li></ul>"),
        "- hall\n- quai"
    );
}

#[test]
fn html_broken_markup_is_tolerated() {
    assert_eq!(html_to_text("a < b et c > d"), "a < b et c > d");
    assert_eq!(html_to_text("<p>texte<br"), "texte<br");
    assert_eq!(html_to_text("<!-- commentaire jamais fermé"), "");
    assert_eq!(html_to_text("<p>avant<script>var x = 1;"), "avant");
    assert_eq!(
        html_to_text("<head><p>corps sans fin de head</p>"),
        "corps sans fin de head"
    );
    assert_eq!(html_to_text("&#xFFFFFFFF; &#0; &#; &"), "&#; &");
    assert_eq!(html_to_text(""), "");
    assert_eq!(html_to_text("</blockquote></blockquote>ok"), "ok");
}

#[test]
fn html_numeric_cp1252_references_are_fixed() {
    assert_eq!(
        html_to_text("Corbas &#150; 69960 &#146;"),
        "Corbas – 69960 ’"
    );
}

#[test]
fn html_pathological_input_is_fast() {
    let many_lt = "<".repeat(300_000);
    assert_eq!(html_to_text(&many_lt).len(), 300_000);
    let many_heads = "<head>".repeat(50_000);
    assert_eq!(html_to_text(&many_heads), "");
    let many_amp = "&".repeat(200_000);
    assert_eq!(html_to_text(&many_amp).len(), 200_000);
}

// ───────────── normalize_subject ─────────────

#[test]
fn subject_basic_prefixes_each_language() {
    let cases = [
        "RE: Devis éclairage",
        "Re : Devis éclairage",
        "Réf. Devis éclairage",
        "Ref: Devis éclairage",
        "TR: Devis éclairage",
        "Fwd: Devis éclairage",
        "FW: Devis éclairage",
        "WG: Devis éclairage",
        "AW: Devis éclairage",
        "SV: Devis éclairage",
        "VS: Devis éclairage",
        "RV: Devis éclairage",
        "R: Devis éclairage",
        "RIF: Devis éclairage",
        "I: Devis éclairage",
        "Antw: Devis éclairage",
        "Odp: Devis éclairage",
        "YNT: Devis éclairage",
        "Ynt: Devis éclairage",
        "ENC: Devis éclairage",
        "Doorst: Devis éclairage",
        "Réponse : Devis éclairage",
        "[EXTERNAL] Devis éclairage",
        "[EXT] Devis éclairage",
        "[Extern] Devis éclairage",
    ];
    for c in cases {
        assert_eq!(normalize_subject(c), "devis éclairage", "input: {c}");
    }
}

#[test]
fn subject_nested_and_repeated_prefixes() {
    assert_eq!(
        normalize_subject("RE: TR: Fwd: Devis éclairage"),
        "devis éclairage"
    );
    assert_eq!(normalize_subject("RE: TR: AW: x"), "x");
    assert_eq!(
        normalize_subject("AW: Re: AW: Angebot ANG-4471"),
        "angebot ang-4471"
    );
    assert_eq!(normalize_subject("[EXTERNAL] RE: RE:Offre"), "offre");
}

#[test]
fn subject_counters_and_odd_spacing() {
    assert_eq!(normalize_subject("RE[2]: Devis"), "devis");
    assert_eq!(normalize_subject("Re(3) : Devis"), "devis");
    assert_eq!(
        normalize_subject("Re\u{a0}: Devis   salle\t+  terrasse "),
        "devis salle + terrasse"
    );
}

#[test]
fn subject_ref_with_period() {
    assert_eq!(
        normalize_subject("Réf. votre offre DEV-2025-181"),
        "votre offre dev-2025-181"
    );
}

#[test]
fn subject_words_starting_like_prefixes_are_kept() {
    assert_eq!(normalize_subject("Revue du projet"), "revue du projet");
    assert_eq!(
        normalize_subject("Transport des luminaires"),
        "transport des luminaires"
    );
    assert_eq!(
        normalize_subject("Information: planning"),
        "information: planning"
    );
    assert_eq!(
        normalize_subject("Référence chantier"),
        "référence chantier"
    );
    assert_eq!(
        normalize_subject("[Site web] Demande"),
        "[site web] demande"
    );
}

// ───────────── split_quoted: French ─────────────

#[test]
fn fr_thunderbird_wrapped_attribution() {
    let text = "Parfait, on part sur la version 2.\n\nLe 12 févr. 2026 à 10:14, Marie Dupont <marie.dupont@exemple.fr> a\nécrit\u{a0}:\n> Bonjour,\n> voici la version 2 du devis.\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "Parfait, on part sur la version 2.");
    assert!(seg.had_quote);
    assert_eq!(seg.forwarded, None);
}

#[test]
fn fr_attribution_verb_on_next_line() {
    let text = "OK pour jeudi.\n\nLe mer. 4 mars 2026 à 15:05, Claire Martin <\nclaire@atelier.fr>\na écrit :\n\n> Je peux passer jeudi matin.\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "OK pour jeudi.");
    assert!(seg.had_quote);
}

#[test]
fn fr_outlook_header_block() {
    let text = "Bonjour,\n\nPetite question : la prime CEE est-elle déduite ?\n\nPaul\n\nDe : Claire Martin <claire@atelier.fr>\nEnvoyé : mercredi 8 octobre 2025 10:45\nÀ : Paul Durand <paul@client.fr>\nObjet : Devis DEV-2025-149\n\nBonjour Paul,\nVoici notre devis.\n";
    let seg = split(text);
    assert_eq!(
        seg.new_text,
        "Bonjour,\n\nPetite question : la prime CEE est-elle déduite ?\n\nPaul"
    );
    assert!(seg.had_quote);
    assert_eq!(seg.forwarded, None);
}

#[test]
fn fr_outlook_block_under_rule_with_closing_and_signature() {
    let text = "Bonjour Madame,\n\nLe conseil se réunit le 3 décembre.\n\nCordialement,\n\nBertrand Lacombe\nResponsable des services économiques\nTél. 04 00 00 00 00\n\n________________________________\nDe : Claire <c@atelier.fr>\nEnvoyé : mercredi 15 octobre 2025 17:55\nÀ : Bertrand <b@ecole.fr>\nObjet : Proposition\n\nMontant : 29 400,00 € HT.\n";
    let seg = split(text);
    assert_eq!(
        seg.new_text,
        "Bonjour Madame,\n\nLe conseil se réunit le 3 décembre."
    );
    assert!(seg.had_quote);
}

#[test]
fn fr_message_d_origine_reply() {
    let text = "Merci, bien reçu.\n\n-----Message d'origine-----\nDe : Claire <c@atelier.fr>\nEnvoyé : lundi 2 mars 2026 09:00\nÀ : Jean <j@client.fr>\nObjet : Facture\n\nCi-joint la facture.\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "Merci, bien reçu.");
    assert!(seg.had_quote);
    assert_eq!(seg.forwarded, None);
}

#[test]
fn fr_signature_with_phones_and_legal_footer() {
    let text = "Bonjour Claire,\n\nPouvez-vous passer voir l'entrepôt la semaine prochaine ?\nJe suis là mardi et jeudi.\n\nBien cordialement\n\nOlivier Garnier\nResponsable Services Généraux\nTransports Garnier SAS – ZI du Chanay – 69960 Corbas\nTél. 04 00 00 52 10 – Port. 06 00 00 17 63\n\nCe message et toutes les pièces jointes sont confidentiels et établis à l'intention exclusive de ses destinataires.\n";
    let seg = split(text);
    assert_eq!(
        seg.new_text,
        "Bonjour Claire,\n\nPouvez-vous passer voir l'entrepôt la semaine prochaine ?\nJe suis là mardi et jeudi."
    );
    assert!(!seg.had_quote);
}

#[test]
fn fr_legal_footer_without_closing_is_cut() {
    let text = "Commande confirmée pour lundi.\n\nCe courriel et ses pièces jointes sont confidentiels. Si vous l'avez reçu par erreur, merci de le détruire.";
    assert_eq!(split(text).new_text, "Commande confirmée pour lundi.");
}

#[test]
fn fr_iphone_footer() {
    let text = "C'est OK pour moi, vous pouvez commander le matériel.\n\nMarc\nEnvoyé de mon iPhone\n\n> Le 1 déc. 2025 à 10:02, Seb <s@b.fr> a écrit :\n> Marc, voici le devis.";
    let seg = split(text);
    assert_eq!(
        seg.new_text,
        "C'est OK pour moi, vous pouvez commander le matériel.\n\nMarc"
    );
    assert!(seg.had_quote);
}

#[test]
fn fr_closing_inside_paragraph_is_not_a_cut() {
    let text = "Bonjour,\n\nJe vous remercie cordialement pour la visite. Bien à vous de décider du planning,\nmais il faudra commander avant le 15 pour tenir le délai de livraison annoncé au client final.\nMerci\nLe devis reste valable jusqu'à la fin du mois, après quoi les prix augmentent.";
    assert_eq!(split(text).new_text, text);
}

#[test]
fn fr_closing_with_name_on_same_line() {
    let text = "Je confirme la commande des 40 réglettes.\nCordialement, Jean Dupont\nDupont Menuiserie\n06 00 00 00 00";
    assert_eq!(
        split(text).new_text,
        "Je confirme la commande des 40 réglettes."
    );
}

#[test]
fn fr_forward_with_customer_request_from_outlook_tr() {
    let text = "Claire,\nPour toi je pense (parking). Le monsieur a rappelé ce matin.\nNadia\n\n-----Message d'origine-----\nDe : Site web <no-reply@atelier.fr>\nEnvoyé : mercredi 18 février 2026 08:12\nÀ : contact@atelier.fr\nObjet : [Site web] Demande de devis - parking\n\nNom : Yannick Fontaine\nMessage : Pourriez-vous nous faire une offre de remplacement par des LED avec détection ?\n\nCordialement,\nYannick\n";
    let seg = split_quoted_with_subject(text, "TR: [Site web] Demande de devis - parking");
    assert_eq!(
        seg.new_text,
        "Claire,\nPour toi je pense (parking). Le monsieur a rappelé ce matin.\nNadia"
    );
    assert_eq!(
        seg.forwarded.as_deref(),
        Some(
            "Nom : Yannick Fontaine\nMessage : Pourriez-vous nous faire une offre de remplacement par des LED avec détection ?"
        )
    );
    // Without the subject, the "pour toi" cue still marks it as a forward.
    assert_eq!(split(text).forwarded, seg.forwarded);
}

#[test]
fn fr_forward_separator_message_transfere() {
    let text = "Pour info, demande reçue hier.\n\n-------- Message transféré --------\nSujet :\tEclairage boutique\nDate :\tMon, 2 Mar 2026 10:00:00 +0100\nDe :\tLucie Bernard <lucie@boutique.fr>\nPour :\tcontact@atelier.fr\n\nBonjour, nous souhaitons un devis pour 20 spots sur rail.\n\nLucie\n-- \nBoutique Lucie\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "Pour info, demande reçue hier.");
    assert_eq!(
        seg.forwarded.as_deref(),
        Some("Bonjour, nous souhaitons un devis pour 20 spots sur rail.\n\nLucie")
    );
    assert!(!seg.had_quote);
}

#[test]
fn fr_outlook_forward_without_comment() {
    let text = "\n\nDe : Client <c@client.fr>\nEnvoyé : lundi 2 mars 2026 09:00\nÀ : Jean <j@atelier.fr>\nObjet : Demande\n\nBonjour, il nous faudrait 12 hublots LED.\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "");
    assert_eq!(
        seg.forwarded.as_deref(),
        Some("Bonjour, il nous faudrait 12 hublots LED.")
    );
}

// ───────────── split_quoted: English ─────────────

#[test]
fn en_gmail_on_wrote() {
    let text = "Sounds good, send the revised quote.\n\nOn Tue, Feb 10, 2026 at 9:14 AM John Smith <john@example.com> wrote:\n\n> Hi, attached is the plan.\n> Regards\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "Sounds good, send the revised quote.");
    assert!(seg.had_quote);
}

#[test]
fn en_gmail_wrapped_attribution() {
    let text = "Yes please.\n\nOn Tue, Feb 10, 2026 at 9:14 AM John Smith <\njohn@example.com> wrote:\n> Shall I book the cherry picker?";
    assert_eq!(split(text).new_text, "Yes please.");
}

#[test]
fn en_outlook_block_under_underscore_rule() {
    let text = "Claire,\n\nThat works for us - please go ahead.\n\nCheers,\nEmma\n\nEmma Whitfield\nStore Development Manager\n+44 20 0000 0318\n\nThis e-mail and any attachments are confidential and may be privileged.\n\n________________________________\nFrom: Claire <claire@atelier.fr>\nSent: Thursday, October 16, 2025 8:30 AM\nTo: Emma <emma@shop.co.uk>\nSubject: Re: Quote Q-10231\n\nI can't match the competitor's price.\n";
    let seg = split(text);
    assert_eq!(
        seg.new_text,
        "Claire,\n\nThat works for us - please go ahead."
    );
    assert!(seg.had_quote);
    assert_eq!(seg.forwarded, None);
}

#[test]
fn en_original_message_separator() {
    let text = "Received, thanks.\n-----Original Message-----\nFrom: A <a@b.com>\nSent: Monday\nTo: B\nSubject: Quote\n\nOld text";
    let seg = split(text);
    assert_eq!(seg.new_text, "Received, thanks.");
    assert!(seg.had_quote);
}

#[test]
fn en_interleaved_reply_keeps_customer_lines() {
    let text = "Hi Claire,\n\nOn Tue, Oct 21, 2025 at 9:20 AM Claire <c@atelier.fr> wrote:\n> 1. What are the ceiling heights?\n4.2m on the ground floor, 3m upstairs.\n\n> 2. Do you have a budget range in mind?\nIdeally under 10k.\n> 3. When do you need it finished?\n>\nBy mid-February.\n\nBen";
    let seg = split(text);
    assert_eq!(
        seg.new_text,
        "Hi Claire,\n\n4.2m on the ground floor, 3m upstairs.\n\nIdeally under 10k.\nBy mid-February.\n\nBen"
    );
    assert!(seg.had_quote);
}

#[test]
fn en_only_quote_gives_empty_new_text() {
    let text = "On Mon, Mar 2, 2026 at 10:00 AM Ann <ann@x.com> wrote:\n> Please confirm.\n>> Earlier message\n> > nested\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "");
    assert!(seg.had_quote);
    assert_eq!(seg.forwarded, None);
}

#[test]
fn en_dash_dash_signature_delimiter() {
    let text =
        "Please find the PO attached.\n\n-- \nDaniel Okafor\nProcurement Team\n+44 20 0000 0102";
    let seg = split(text);
    assert_eq!(seg.new_text, "Please find the PO attached.");
    assert!(!seg.had_quote);
    let no_space = "Please find the PO attached.\n--\nDaniel";
    assert_eq!(split(no_space).new_text, "Please find the PO attached.");
}

#[test]
fn en_signature_then_history_still_reports_quote() {
    let text = "Here is the quote.\n\nKind regards,\n\n-- \nClaire\nAccount Manager\n\nLe 09/12/2025 à 10:20, Joost a écrit :\n> Hello Claire,\n> can you quote?";
    let seg = split(text);
    assert_eq!(seg.new_text, "Here is the quote.");
    assert!(seg.had_quote);
}

#[test]
fn en_closings_with_regards_and_thanks() {
    let text = "Could you send us pricing for a full LED replacement?\n\nThanks in advance,\n\nBest regards,\nPriya Nair\nOffice & Facilities Coordinator\nOrbis Freight Solutions\n\nThis message may contain confidential information. If you are not the intended recipient, please delete it.";
    assert_eq!(
        split(text).new_text,
        "Could you send us pricing for a full LED replacement?"
    );
}

#[test]
fn en_best_as_word_in_sentence_is_kept() {
    let text = "Hi,\nBest price we can accept is 9k.\nThanks, that helps a lot.\nTalk soon.";
    assert_eq!(split(text).new_text, text);
}

#[test]
fn en_mobile_footers() {
    for footer in [
        "Sent from my iPhone",
        "Get Outlook for iOS",
        "Sent from my Samsung Galaxy smartphone.",
    ] {
        let text = format!("Approved, go ahead.\n\n{footer}\n");
        assert_eq!(
            split(&text).new_text,
            "Approved, go ahead.",
            "footer: {footer}"
        );
    }
}

#[test]
fn en_gmail_forward_with_customer_request() {
    let text = "FYI, see the request below.\n\n---------- Forwarded message ---------\nFrom: Ben Carter <ben@cowork.com>\nDate: Mon, Oct 20, 2025 at 12:40 PM\nSubject: Pricing for lighting\nTo: <contact@atelier.fr>\n\n\nHi there,\n\nCould you send us pricing for the lighting of our new space?\n\nBest,\nBen\nPinewood Coworking\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "FYI, see the request below.");
    assert_eq!(
        seg.forwarded.as_deref(),
        Some("Hi there,\n\nCould you send us pricing for the lighting of our new space?")
    );
}

#[test]
fn en_apple_begin_forwarded_message_with_quoted_body() {
    let text = "See below.\n\nBegin forwarded message:\n\n> From: Ann <ann@x.com>\n> Subject: Offices\n> Date: 2 March 2026 at 10:00:00 CET\n> To: Bob <bob@y.com>\n>\n> We need 40 panels for the offices.\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "See below.");
    assert_eq!(
        seg.forwarded.as_deref(),
        Some("We need 40 panels for the offices.")
    );
}

#[test]
fn en_forwarded_part_has_its_own_history_removed() {
    let text = "---------- Forwarded message ---------\nFrom: Ann <ann@x.com>\nDate: Mon\nSubject: Re: Offices\n\nGo ahead with option B.\n\nOn Sun, Mar 1, 2026 at 8:00 AM Bob <bob@y.com> wrote:\n> Option A or B?\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "");
    assert_eq!(seg.forwarded.as_deref(), Some("Go ahead with option B."));
}

#[test]
fn en_bare_attribution_followed_by_quote() {
    let text = "Agreed.\n\nJohn Smith wrote:\n> Shall we sign?";
    assert_eq!(split(text).new_text, "Agreed.");
}

#[test]
fn en_prose_with_wrote_is_not_an_attribution() {
    let text = "As my colleague wrote: the budget is frozen.\nWe will come back to you.";
    let seg = split(text);
    assert_eq!(seg.new_text, text);
    assert!(!seg.had_quote);
}

// ───────────── split_quoted: German ─────────────

#[test]
fn de_outlook_von_gesendet_block() {
    let text = "Sehr geehrte Frau Besson,\n\ngilt die Garantie auch für die Präsenzmelder?\n\nMit freundlichen Grüßen\n\ni.A. Stefan Brandl\nTechnischer Leiter\nTel. +49 761 0000-230\nSitz: Freiburg i. Br. · Registergericht Freiburg HRA 7041 · Geschäftsführer: Georg Hofmann\n\nVon: Claire <c@atelier.fr>\nGesendet: Montag, 17. November 2025 14:15\nAn: Stefan <s@brauerei.de>\nBetreff: Angebot ANG-4471\n\nAnbei unser Angebot.";
    let seg = split(text);
    assert_eq!(
        seg.new_text,
        "Sehr geehrte Frau Besson,\n\ngilt die Garantie auch für die Präsenzmelder?"
    );
    assert!(seg.had_quote);
}

#[test]
fn de_lotus_style_tab_separated_block() {
    let text = "Danke, passt so.\n\n\n\nVon:\tClaire <c@atelier.fr>\nAn:\ts@brauerei.de\nDatum:\t03.12.2025 11:00\nBetreff:\tAngebot\n\nAlter Text";
    assert_eq!(split(text).new_text, "Danke, passt so.");
}

#[test]
fn de_am_schrieb_attribution() {
    let text = "Passt, bitte bestellen.\n\nAm 10.02.2026 um 09:14 schrieb Hans Müller <h@beispiel.de>:\n> Sollen wir bestellen?\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "Passt, bitte bestellen.");
    assert!(seg.had_quote);
}

#[test]
fn de_ursprungliche_nachricht_and_iphone() {
    let text = "Einverstanden.\n\nVon meinem iPhone gesendet\n\n-----Ursprüngliche Nachricht-----\nVon: A <a@b.de>\nGesendet: Montag\nAn: B\nBetreff: X\n\nAlt";
    let seg = split(text);
    assert_eq!(seg.new_text, "Einverstanden.");
    assert!(seg.had_quote);
}

#[test]
fn de_weitergeleitete_nachricht_forward() {
    let text = "Zur Info.\n\n---------- Weitergeleitete Nachricht ----------\nVon: Kunde <k@kunde.de>\nDatum: 2. März 2026\nBetreff: Anfrage\nAn: vertrieb@atelier.fr\n\nWir benötigen ein Angebot für 30 Hallenstrahler.\n\nViele Grüße\nK. Kunde\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "Zur Info.");
    assert_eq!(
        seg.forwarded.as_deref(),
        Some("Wir benötigen ein Angebot für 30 Hallenstrahler.")
    );
}

#[test]
fn de_legal_footer() {
    let text = "Bitte um Rückruf.\n\nDiese E-Mail enthält vertrauliche und/oder rechtlich geschützte Informationen.";
    assert_eq!(split(text).new_text, "Bitte um Rückruf.");
}

// ───────────── split_quoted: Spanish / Italian / Dutch ─────────────

#[test]
fn es_escribio_and_outlook_block() {
    let text = "Perfecto, adelante.\n\nUn saludo\nAna\n\nEl lun, 2 mar 2026 a las 10:00, Luis <l@x.es> escribió:\n> ¿Confirmamos?";
    assert_eq!(split(text).new_text, "Perfecto, adelante.");
    let outlook = "De acuerdo.\n\nDe: Luis <l@x.es>\nEnviado el: lunes, 2 de marzo de 2026 10:00\nPara: Ana\nAsunto: Oferta\n\nTexto antiguo";
    assert_eq!(split(outlook).new_text, "De acuerdo.");
}

#[test]
fn it_ha_scritto_and_outlook_block() {
    let text = "Va bene così.\n\nCordiali saluti\nMarco Rossi\n\nIl giorno lun 2 mar 2026 alle ore 10:00 Luca <l@x.it> ha scritto:\n> Confermate?";
    assert_eq!(split(text).new_text, "Va bene così.");
    let outlook = "Ok.\n\nDa: Luca <l@x.it>\nInviato: lunedì 2 marzo 2026 10:00\nA: Marco\nOggetto: Offerta\n\nVecchio testo";
    assert_eq!(split(outlook).new_text, "Ok.");
}

#[test]
fn nl_van_verzonden_block_and_schreef() {
    let text = "Akkoord.\n\nVan: Claire <c@atelier.fr>\nVerzonden: maandag 15 december 2025 16:48\nAan: Joost\nOnderwerp: Offerte\n\nOude tekst";
    assert_eq!(split(text).new_text, "Akkoord.");
    let schreef = "Prima.\n\nOp 2 mrt. 2026 om 10:00 schreef Joost <j@x.nl>:\n> Klopt dat?";
    assert_eq!(split(schreef).new_text, "Prima.");
}

// ───────────── split_quoted: traps and robustness ─────────────

#[test]
fn trap_quoted_keywords_never_reach_new_text() {
    let text = "Bien reçu, je regarde.\n\nLe 3 mars 2026 à 09:00, Paul <p@client.fr> a écrit :\n> Le projet est annulé, nous avons choisi un competitor.\n> Bon pour accord sur l'ancienne version uniquement.\n> > Commande annulée\n\nDe : Paul <p@client.fr>\nEnvoyé : lundi 2 mars 2026\nÀ : Claire\nObjet : annulé\n\nbon pour accord, competitor, annulé";
    let seg = split(text);
    assert_eq!(seg.new_text, "Bien reçu, je regarde.");
    for word in ["annulé", "competitor", "bon pour accord", "Bon pour accord"] {
        assert!(!seg.new_text.contains(word), "leaked: {word}");
    }
    assert!(seg.had_quote);
}

#[test]
fn crlf_input_is_normalised() {
    let text = "Merci.\r\n\r\nOn Mon, Mar 2, 2026 at 10:00 AM Ann <a@x.com> wrote:\r\n> old\r\n";
    let seg = split(text);
    assert_eq!(seg.new_text, "Merci.");
    assert!(seg.had_quote);
}

#[test]
fn short_thanks_alone_is_kept() {
    assert_eq!(split("Merci !").new_text, "Merci !");
    assert_eq!(split("Thanks,\nBen").new_text, "Thanks,\nBen");
}

#[test]
fn plain_message_is_returned_trimmed() {
    let seg = split("\n\n  Bonjour,\n\n\n\nLe devis est validé.  \n\n");
    assert_eq!(seg.new_text, "  Bonjour,\n\nLe devis est validé.");
    assert!(!seg.had_quote);
    assert_eq!(seg.forwarded, None);
}

#[test]
fn robustness_odd_inputs_never_panic() {
    let long_line = "é".repeat(100_000);
    let inputs = [
        String::new(),
        "\n\n\n".to_string(),
        ">".to_string(),
        "> > >>\n>".to_string(),
        "--".to_string(),
        "De :".to_string(),
        "From: x".to_string(),
        "-----Original Message-----".to_string(),
        "---------- Forwarded message ---------".to_string(),
        "Le 1 a écrit :".to_string(),
        "\u{0}\u{202E}\r\r\n\u{FEFF}\u{FFFD}".to_string(),
        long_line.clone(),
        format!("Le 12 {long_line} a écrit :\n> x"),
        format!("Cordialement\n{long_line}"),
    ];
    for input in &inputs {
        let _ = split(input);
        let _ = sentences(input);
        let _ = html_to_text(input);
        let _ = normalize_subject(input);
    }
}

#[test]
fn robustness_one_megabyte_is_fast() {
    let block = "Bonjour,\nLigne de texte assez ordinaire avec un montant de 12.400,00 €.\n> citation\nDe : x\nCordialement\n";
    let big = block.repeat(1_000_000 / block.len());
    let start = std::time::Instant::now();
    let seg = split(&big);
    let _ = sentences(&big);
    let _ = html_to_text(&big);
    assert!(!seg.new_text.is_empty());
    assert!(
        start.elapsed().as_secs() < 20,
        "too slow: {:?}",
        start.elapsed()
    );
}

// ───────────── sentences ─────────────

#[test]
fn sentences_basic_punctuation_and_lines() {
    assert_eq!(
        sentences(
            "Bonjour Claire,\nLe devis est validé. Pouvez-vous commander ? Merci !\n\nOlivier"
        ),
        vec![
            "Bonjour Claire,",
            "Le devis est validé.",
            "Pouvez-vous commander ?",
            "Merci !",
            "Olivier"
        ]
    );
}

#[test]
fn sentences_keep_abbreviations() {
    assert_eq!(
        sentences("J'en ai parlé avec M. Morel et Mr. Smith. Voir réf. DEV-12 et n° 4. Ok."),
        vec![
            "J'en ai parlé avec M. Morel et Mr. Smith.",
            "Voir réf. DEV-12 et n° 4.",
            "Ok."
        ]
    );
    assert_eq!(
        sentences("Wir brauchen z.B. Hallenstrahler. Andere Leuchten, e.g. panels, later."),
        vec![
            "Wir brauchen z.B. Hallenstrahler.",
            "Andere Leuchten, e.g. panels, later."
        ]
    );
}

#[test]
fn sentences_keep_numbers_and_dates() {
    assert_eq!(
        sentences(
            "Gesamtbetrag: 12.400,00 EUR netto. Montage am 15.04.2026. Start am 17. November."
        ),
        vec![
            "Gesamtbetrag: 12.400,00 EUR netto.",
            "Montage am 15.04.2026.",
            "Start am 17. November."
        ]
    );
    assert_eq!(
        sentences("Total: EUR 12,400.00 excl. VAT. Approx. 650 m2."),
        vec!["Total: EUR 12,400.00 excl. VAT.", "Approx. 650 m2."]
    );
}

#[test]
fn sentences_handle_ellipsis_quotes_and_empty() {
    assert_eq!(
        sentences("Soyez patiente... Elle a dit « oui ! » Puis « non. » Fin"),
        vec![
            "Soyez patiente...",
            "Elle a dit « oui ! »",
            "Puis « non. »",
            "Fin"
        ]
    );
    assert!(sentences("  \n\n ").is_empty());
    assert_eq!(
        sentences("Une seule phrase sans point"),
        vec!["Une seule phrase sans point"]
    );
}

#[test]
fn fr_formal_closing_formula_is_cut() {
    let text = "Madame,\n\nVeuillez trouver ci-joint notre offre.\n\nJe vous prie d'agréer, Madame, l'expression de mes salutations distinguées.\n\nJean Martin\nDirecteur commercial";
    assert_eq!(
        split(text).new_text,
        "Madame,\n\nVeuillez trouver ci-joint notre offre."
    );
}

#[test]
fn fr_abbreviated_closing_cdlt() {
    let text = "Une question avant de signer : 5000 K ce n'est pas trop froid ?\nCdlt\nL. Perrin";
    assert_eq!(
        split(text).new_text,
        "Une question avant de signer : 5000 K ce n'est pas trop froid ?"
    );
}

#[test]
fn en_legal_sentence_after_company_name_is_cut() {
    let text = "Could you split the price per floor?\n\nJonathan\n\nMercer & Holt LLP is a partnership. This email is confidential and may be legally privileged.";
    assert_eq!(
        split(text).new_text,
        "Could you split the price per floor?\n\nJonathan"
    );
}
