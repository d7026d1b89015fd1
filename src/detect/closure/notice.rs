//! Authors other than a human customer: our own mail (only reports of the
//! customer's decision count), automated third-party notices (e-signature
//! envelopes, tender portals) and attachments sent by the customer.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::Decision;
use super::rules::{Candidate, FUT, Rule, RuleSet, gone, hold, lost, scan, won};
use super::text::{Doc, fold, truncate_chars};

/// High-precision rules for mail written by us (the salesperson or a colleague).
pub(super) fn us_rules() -> Vec<Rule> {
    vec![
        won("us.won.confirm_order", 0.85, r"\b(?:je|nous) vous confirm\w* (?:la |bonne )?(?:bonne )?(?:reception de )?(?:votre|la|cette) commande\b|\bmerci (?:beaucoup |bien )?(?:pour|de) (?:votre|la|cette) (?:commande|bon de commande)\b|\b(?:bien recu|nous avons bien recu|j'ai bien recu|accusons reception de) (?:votre|le|la) (?:bon de commande|devis signe|devis (?:dument )?signe|bon pour accord|commande|accord)\b|\bmerci (?:pour|de) votre (?:accord|signature|validation)\b"),
        won("us.won.thanks_order", 0.85, r"\bthank(?:s| you) (?:very much |so much )?for (?:your|the) (?:order|purchase order|po|signed (?:quote|copy|proposal|contract)|approval|go-ahead)\b|\bwe (?:hereby )?(?:confirm|acknowledge) (?:receipt of )?your (?:order|purchase order|po)\b|\b(?:received|got) your (?:signed (?:quote|copy|proposal)|purchase order|po)\b|\bthanks? (?:you )?for (?:accepting|approving|signing|choosing us|going with us|confirming the order|placing the order)\b"),
        won("us.won.de_es_it", 0.85, r"\b(?:vielen |herzlichen )?dank fur (?:ihren auftrag|ihre bestellung|die bestellung|die auftragserteilung)\b|\bwir bestatigen (?:ihnen )?(?:hiermit )?(?:ihren auftrag|ihre bestellung|den eingang ihrer bestellung)\b|\bgracias por (?:su|vuestro|tu) pedido\b|\bgrazie per (?:il (?:vostro|suo) ordine|l'ordine)\b"),
        won("us.won.as_agreed", 0.8, r"\b(?:comme convenu|suite a notre (?:appel|echange|entretien|conversation)|as agreed|as discussed|further to our (?:call|conversation|meeting)|following our (?:call|conversation)|wie besprochen|wie telefonisch besprochen)\b[^.!?]{0,80}?\b(?:vous (?:validez|acceptez|confirmez|passez commande|avez valide|avez accepte|nous confiez|nous avez confie)|you(?:'re| are| have|'ve)? (?:going ahead|approved|accepted|confirmed|placing the order|going with us)|sie (?:beauftragen|bestellen|haben [^.!?]{0,20}(?:angenommen|beauftragt)))"),
        lost("us.lost.reported", 0.8, r"\b(?:comme convenu|suite a notre (?:appel|echange|entretien|conversation)|as agreed|as discussed|further to our (?:call|conversation)|following our (?:call|conversation)|i understand|we understand|je comprends|je note|bien note|noted|wie besprochen|ich verstehe|schade|dommage|sorry to hear)\b[^.!?]{0,100}?\b(?:went|going|gone|chose|chosen|selected|decided|awarded|retenu|choisi|opte|signe|parti|partez|restez|entschieden|vergeben|beauftragt)\b[^.!?]{0,40}?\b(?:another|other|autre|d'autres|anderen|concurrent|competitor|mitbewerber|wettbewerber|elsewhere|ailleurs|usual|habituel)\b"),
        gone("us.vanish.reported", 0.75, r"\b(?:comme convenu|suite a notre (?:appel|echange|entretien|conversation)|je (?:prends|note) (?:bonne )?(?:note|que)|bien note|as agreed|as discussed|further to our (?:call|conversation)|following our (?:call|conversation)|i understand|we understand|noted|sorry to hear|dommage|desole d'apprendre|je comprends|wie besprochen|ich verstehe|schade)\b[^.!?]{0,100}?\b(?:abandon\w*|annul\w*|cancel\w*|not (?:to )?proceed|ne (?:pas|plus) donner suite|ne donnez pas suite|sans suite|dropped|shelved|scrapped|gestrichen|abgesagt|storniert|verzicht\w*|no longer)\b")
            .veto(r"annule et remplace|remplac|replac|supersed|ersetzt"),
        hold("us.hold.reported", 0.7, r"\b(?:comme convenu|suite a notre (?:appel|echange|entretien|conversation)|as agreed|as discussed|further to our (?:call|conversation)|following our (?:call|conversation)|wie besprochen|je (?:prends|note) (?:bonne )?(?:note|que)|bien note|noted)\b[^.!?]{0,100}?\b(?:en pause|on hold|mis en attente|mettre en attente|reporte\w*|postpone\w*|revisit|recontacte\w*|reprendre contact|reviens vers vous|revenir vers vous|auf eis|verschoben|melde mich)\b"),
    ]
}

/// Compiled rule sets.
pub(super) static US: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::new(us_rules()));

fn re(p: &str) -> Regex {
    Regex::new(&super::text::ascii_pattern(p)).unwrap_or_else(|e| panic!("static regex {p}: {e}"))
}

static ESIGN_PENDING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:viewed|opened|consulte|ouvert|reminder|rappel|relance|erinnerung|geoffnet|angesehen|awaiting (?:your )?signature|waiting for (?:your )?signature|en attente de signature|pas encore signe|not yet signed|noch nicht unterschrieben|ausstehend|sent for signature|envoye pour signature|invites? you to sign|vous invite a signer)\b",
    )
});
static ESIGN_DONE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:termine|completed|complete|abgeschlossen|completado|completato)\b|\b(?:signe par tous les destinataires|tous les destinataires ont signe|all (?:parties|recipients|signers) have signed|has been completed|was completed|has been signed by all|von allen (?:empfangern |parteien |beteiligten )?(?:unterzeichnet|unterschrieben)|firmado por todos|firmato da tutti)\b",
    )
});
static ESIGN_DECLINED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:declined|refuse|rejected|abgelehnt|rechazado|rifiutato)\b|\b(?:was declined|has been declined|declined to sign|a refuse de signer|a ete refuse|hat [^.!?]{0,40}abgelehnt|signature refusee|refus de signature)\b",
    )
});
static ESIGN_VOIDED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:voided|void|annule|annulee|storniert|widerrufen|anulado|annullato|withdrawn by the sender|retire par l'expediteur)\b",
    )
});
static TENDER_WON: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:vous etes (?:declare |designe )?attributaire|votre offre (?:a ete|est) retenue|votre offre a ete classee (?:premiere|1ere)|your (?:tender|bid|offer|quote|quotation|proposal) (?:has been|was) (?:successful|accepted|selected)|awarded to you|we are pleased to award|ihr angebot (?:wurde|ist) (?:angenommen|ausgewahlt)|den zuschlag erhalten sie|zuschlag (?:wurde )?ihnen erteilt)\b",
    )
});
static TENDER_LOST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:n'a pas ete retenue?|n'est pas retenue?|non retenue?s?|pas ete retenue?|le marche a ete attribue a|attribue a la societe|attribue a l'entreprise|unsuccessful|not (?:been )?successful|has been awarded to|was awarded to|awarded to another|nicht berucksichtigt|nicht den zuschlag|keinen zuschlag|zuschlag [^.!?]{0,40}(?:an|einem) anderen|anderen bieter|no ha resultado adjudicatari\w|non (?:e stata|risulta) aggiudicatari\w)\b",
    )
});
/// The sentence about our own offer, preferred as evidence over headers.
static TENDER_LOST_OURS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:votre offre|votre candidature|your (?:tender|bid|offer|quote|quotation|proposal)|ihr angebot)\b[^.!?]{0,60}?\b(?:n'a pas ete retenue?|n'est pas retenue?|unsuccessful|not (?:been )?successful|nicht berucksichtigt)",
    )
});
static OTHER_SUPPLIER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:another|other|different|autre|autres|anderen|anderer|otro|otra|altro|altra)\s+(?:\w+\s+)?(?:supplier|vendor|contractor|provider|company|firm|installer|quote|offer|proposal|bid|fournisseur|prestataire|entreprise|societe|installateur|integrateur|offre|proposition|devis|anbieter|lieferanten|firma|angebot|proveedor|empresa|oferta|propuesta|fornitore|ditta|offerta|proposta)\b|\b(?:competitor|concurrent|concurrence|mitbewerber|wettbewerber|competencia|concorrente)\b|\b(?:retenu|retenue|choisi|chosen|selected|went with|gone with|entschieden fur)\b[^.!?]{0,30}?\b(?:autre|another|other|anderen)\b",
    )
});
static PURCHASE_ORDER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:purchase order|bestellung|bon de commande|orden de compra|ordine)\s*(?:no\.?|nr\.?|n o|numero|number|#|:)?\s*[a-z]{0,3}-?\d{4,}",
    )
});

/// The sentence of `doc` where `re` first matches, as a candidate span.
fn span_of(doc: &Doc<'_>, re: &Regex) -> Option<(usize, usize)> {
    re.find(&doc.folded).map(|m| doc.sentence_at(m.start()))
}

fn candidate(
    decision: Decision,
    conf: f32,
    rule: &'static str,
    span: Option<(usize, usize)>,
    fallback: &str,
) -> Candidate {
    Candidate {
        decision,
        conf,
        rule,
        description: span.is_none().then(|| truncate_chars(fallback.trim(), 300)),
        span,
        revisit_on: None,
    }
}

/// Automated notices: tender awards, e-signature envelope status, procurement POs.
pub(super) fn notice_candidate(doc: &Doc<'_>, subject: &str) -> Option<Candidate> {
    let subj = fold(subject);
    let has = |r: &Regex| r.is_match(&subj) || r.is_match(&doc.folded);
    if has(&TENDER_WON) {
        return Some(candidate(
            Decision::Won,
            0.9,
            "notice.tender.awarded",
            span_of(doc, &TENDER_WON),
            subject,
        ));
    }
    if has(&TENDER_LOST) {
        return Some(candidate(
            Decision::Lost,
            0.9,
            "notice.tender.not_retained",
            span_of(doc, &TENDER_LOST_OURS).or_else(|| span_of(doc, &TENDER_LOST)),
            subject,
        ));
    }
    esign_candidate(doc, &subj, subject).or_else(|| {
        has(&PURCHASE_ORDER).then(|| {
            candidate(
                Decision::Won,
                0.8,
                "notice.purchase_order",
                span_of(doc, &PURCHASE_ORDER),
                subject,
            )
        })
    })
}

/// E-signature envelope status; the subject (the status line) is trusted first.
fn esign_candidate(doc: &Doc<'_>, subj: &str, subject: &str) -> Option<Candidate> {
    #[derive(PartialEq)]
    enum S {
        Pending,
        Done,
        Declined,
        Voided,
    }
    let classify = |t: &str| {
        if ESIGN_DECLINED.is_match(t) {
            Some(S::Declined)
        } else if ESIGN_DONE.is_match(t) {
            Some(S::Done)
        } else if ESIGN_PENDING.is_match(t) {
            Some(S::Pending)
        } else if ESIGN_VOIDED.is_match(t) {
            Some(S::Voided)
        } else {
            None
        }
    };
    let body_status = || {
        let body = doc.folded.as_str();
        if ESIGN_PENDING.is_match(body) && !ESIGN_DONE.is_match(body) {
            Some(S::Pending)
        } else {
            classify(body)
        }
    };
    match classify(subj).or_else(body_status)? {
        S::Done => Some(candidate(
            Decision::Won,
            0.9,
            "notice.esign.completed",
            span_of(doc, &ESIGN_DONE),
            subject,
        )),
        S::Declined => Some(match span_of(doc, &OTHER_SUPPLIER) {
            Some(span) => candidate(
                Decision::Lost,
                0.85,
                "notice.esign.declined_other_supplier",
                Some(span),
                subject,
            ),
            None => candidate(
                Decision::Vanished,
                0.45,
                "notice.esign.declined",
                span_of(doc, &ESIGN_DECLINED),
                subject,
            ),
        }),
        S::Pending | S::Voided => None,
    }
}

static SIGNED_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:^|[^a-z])(?:signed|signe|signee|sig|countersigned|contresigne|bpa|unterschrieben|unterzeichnet|gegengezeichnet|firmado|firmada|firmato|firmata)(?:[^a-z]|$)|bon[ _.-]*pour[ _.-]*accord|bon[ _.-]*pour[ _.-]*commande",
    )
});
static PO_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:^|[^a-z])(?:po|bc|bdc|purchase[ _.-]*order|bon[ _.-]*de[ _.-]*commande|commande|bestellung|auftrag|pedido|orden[ _.-]*de[ _.-]*compra|ordine|ordine[ _.-]*(?:di[ _.-]*)?acquisto|oda|inkooporder|bestelbon|bestelling|opdracht)[ _.#-]*(?:n[o_. -]*)?[a-z]{0,3}[ _.-]*\d{3,}",
    )
});
static UNSIGNED_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"unsigned|non[ _-]?signe|a[ _-]signer|to[ _-]sign|for[ _-]signature|zur[ _-]unterschrift|zu[ _-]unterschreiben|draft|brouillon|entwurf|certificat|certificate|zertifikat|template|modele|vorlage",
    )
});
static SIGNED_WORD: LazyLock<RuleSet> = LazyLock::new(|| {
    RuleSet::new(vec![
        won("att.scan_signed", 0.8, r"\b(?:signe|signee|signes|signees|signed|countersigned|unterschrieben|unterzeichnet|gegengezeichnet|firmado|firmada|firmato|firmata|paraphe|tamponne)\b").f(FUT).veto(r"\b(?:merci de|veuillez|please|bitte|a (?:nous )?retourner|to be|return it|renvoyer|zuruck(?:senden|schicken))\b"),
    ])
});

/// Attachments from the customer: a signed-quote or purchase-order file name,
/// or any file plus a "signed" word in the body.
pub(super) fn attachment_candidates(
    doc: &Doc<'_>,
    names: &[String],
    today: NaiveDate,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for name in names {
        let f = fold(name);
        if UNSIGNED_NAME.is_match(&f) {
            continue;
        }
        let rule = if SIGNED_NAME.is_match(&f) {
            "att.signed_name"
        } else if PO_NAME.is_match(&f) {
            "att.purchase_order_name"
        } else {
            continue;
        };
        let desc = format!("attachment: {}", truncate_chars(name, 200));
        out.push(candidate(Decision::Won, 0.85, rule, None, &desc));
    }
    if out.is_empty() && !names.is_empty() {
        out.extend(scan(&SIGNED_WORD, doc, today));
    }
    out
}
