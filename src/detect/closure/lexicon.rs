//! Phrase families for messages written by the customer, per decision and
//! language. Patterns run on folded text (ASCII, lowercase, no accents, `'`
//! apostrophes). Names are `<lang>.<decision>.<family>`.

use super::rules::{ASK, DATED, FUT, NEEDS_DATE, RAW, Rule, gone, hold, lost, open, won};

/// Scheduling words that turn a "validation" into an appointment, not a deal.
const SCHEDULING: &str = r"\b(?:rdv|rendez-vous|rendez vous|visite|passage|creneau|horaire|heure|\d{1,2} ?h\b|\d{1,2}h\d\d|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|reunion|livraison|date|visit|meeting|appointment|call|survey|slot|termin|besuch|besichtigung|uhrzeit)";

/// The whole customer table.
pub(super) fn customer_rules() -> Vec<Rule> {
    let mut v = won_fr();
    v.extend(won_en());
    v.extend(won_de_es_it());
    v.extend(lost_rules());
    v.extend(lost_rules_2());
    v.extend(vanished_rules());
    v.extend(vanished_rules_2());
    v.extend(hold_rules());
    v.extend(open_rules());
    v
}

fn won_fr() -> Vec<Rule> {
    vec![
        won("fr.accept.bon_pour_accord", 0.95, r"\bbon pour accord\b")
            .veto(r"merci de (?:bien vouloir )?(?:nous |me )?(?:le |la )?(?:retourner|renvoyer)|veuillez|a (?:nous |me )?retourner|pourriez-vous|faut-il|dois-je|doit-on|a signer"),
        won("fr.accept.bon_pour_commande", 0.9, r"\bbon pour (?:commande|execution|travaux)\b").veto(r"merci de|veuillez|a retourner"),
        won("fr.accept.verb_object", 0.85, r"\b(?:valid(?:e|ee|es|ees|ons|ez|er)|accept(?:e|ee|es|ees|ons|ez|er)|approuv(?:e|ee|es|ees|ons|ez|er)|sign(?:e|ee|es|ees|ons|ez|er)|retenu|retenue|retenons|retient|choisi|choisie|choisissons|command(?:ons|ez)|prenons)\b(?:\s+[a-z0-9'-]+){0,4}?\s+(?:devis|offre|proposition|chiffrage|propale|propal|estimation|version|variante|indice)\b")
            .f(FUT).veto(r"autre|concurren|d'un confrere|la moins chere|moins disant"),
        won("fr.accept.object_verb", 0.85, r"\b(?:devis|offre|proposition|chiffrage|propale|variante)\b(?:\s+[a-z0-9'-]+){0,5}?\s+(?:est |a ete |sont |ont ete |etait )?(?:valide|validee|accepte|acceptee|approuve|approuvee|signe|signee|retenu|retenue|ok|bon pour nous)\b")
            .f(FUT).veto(r"autre|concurren|l'offre retenue|montant de l'offre"),
        won("fr.accept.c_est_valide", 0.85, r"\bc'est (?:valide|validee|accepte|signe|d'accord|ok|bon|tout bon|parfait|go)(?: pour (?:nous|moi|la v\d|la version|le devis|l'offre|la proposition|votre (?:devis|offre|proposition)))?\s*(?:[.!,;]|$)|\bc'est (?:valide|validee) pour\b")
            .veto(SCHEDULING),
        won("fr.accept.ok_pour", 0.8, r"\b(?:ok|okay|d'accord|bon|go|banco|parfait|valide)\s+pour\s+(?:nous|moi|le devis|la proposition|l'offre|votre (?:devis|offre|proposition)|ce devis|cette (?:offre|proposition)|la v\d|la version)\b")
            .veto(SCHEDULING),
        won("fr.accept.on_part", 0.85, r"\bon part (?:la-dessus|la dessus|sur (?:votre|ce|le|cette|la) (?:devis|offre|proposition|base|solution|version|option))\b|\b(?:nous partons|on part) (?:sur|avec) vous\b"),
        won("fr.accept.feu_vert", 0.85, r"\b(?:feu vert|votre feu vert|notre feu vert)\b|\bgo pour (?:le|la|l'|votre|ce|cette)\b").veto(r"attend|attente"),
        won("fr.accept.on_y_va", 0.7, r"\bon y va\b|\ballons-y\b|\bc'est parti\b|\btope la\b|\bmarche conclu\b|\baffaire conclue\b"),
        won("fr.accept.bare_validate", 0.8, r"\b(?:on|je|nous) (?:valide|validons|signe|signons|accepte|acceptons|commande|commandons)\s*(?:[.!,;]|$)|\b(?:decide|choisi|opte pour|souhaitons|allons)\b[^.!?]{0,20}?\b(?:travailler|partir|faire affaire) avec vous\b")
            .veto(SCHEDULING),
        won("fr.accept.order", 0.85, r"\b(?:nous|je) (?:vous )?pass(?:ons|e) (?:donc |ainsi |la |une )*commande\b|\bnous commandons\b|\bje commande\b|\bvous pouvez (?:commander|lancer|passer|planifier|programmer) (?:le materiel|la commande|les commandes|les travaux|le chantier|la fabrication|l'intervention)\b|\bmerci de (?:lancer|passer|planifier) (?:la commande|les travaux|la fabrication|le chantier|l'intervention)\b|\blancez (?:la commande|les travaux|le chantier)\b")
            .f(FUT),
        won("fr.accept.confirm_order", 0.85, r"\b(?:nous vous |je vous |nous |je )?confirm(?:ons|e) (?:la|notre|cette|ma|votre) commande\b|\bcommande (?:est )?confirmee\b").f(FUT),
        won("fr.accept.purchase_order", 0.85, r"\bbon de commande\b[^.!?\n]{0,25}?(?:n\s*o|numero|#|:)?\s*[a-z]{0,3}[-/ ]?\d{3,}|\b(?:ci-joint|ci joint|vous trouverez|voici|en piece jointe|en pj)\b[^.!?]{0,40}?\bbon de commande\b")
            .f(FUT),
        won("fr.accept.accord", 0.8, r"\b(?:nous (?:vous )?donnons|je (?:vous )?donne|vous avez) (?:notre|mon) (?:accord|feu vert|aval)\b|\b(?:d')?accord (?:pour|sur|avec) (?:le |votre |ce |cette |la |l'|vos |les )?(?:devis|offre|proposition|montant|prix|tarif|chiffrage|conditions)\b")
            .veto(r"tout a fait|pas vraiment"),
        won("fr.accept.signed_sent", 0.9, r"\b(?:ci-joint|ci joint|en piece jointe|en pj|vous trouverez|voici|je vous (?:renvoie|retourne|envoie|transmets|joins)|nous vous (?:renvoyons|retournons|envoyons|transmettons|joignons))\b[^.!?]{0,40}?\bsign(?:e|ee|es|ees)\b")
            .f(FUT),
    ]
}

fn won_en() -> Vec<Rule> {
    const NOT_DEAL: &str = r"\b(?:go ahead|proceed) and (?:send|update|revise|amend|adjust|modify|quote|book a|schedule a|arrange a|call)|\b(?:visit|survey|meeting|call|sample|demo|trial|site walk)\b|whenever you";
    vec![
        won("en.accept.go_ahead", 0.85, r"\b(?:please |you can |you may |ok to |okay to |happy to |let's |lets |we'd like to |we would like to |we want to |we are ready to |we're ready to |we are happy to |we're happy to |we've decided to |we have decided to |decided to )?go ahead\b|\bgo-ahead\b|\bgreen light\b|\bgreenlit\b")
            .veto(NOT_DEAL),
        won("en.accept.proceed", 0.85, r"\b(?:please proceed|you (?:can|may) proceed|ok to proceed|okay to proceed|(?:we'd|we would|we want|we wish|we are happy|we're happy|happy|we are pleased|we'd be happy|we have decided|we've decided|decided|we agreed|we have agreed) to proceed|we (?:will|'ll|shall) proceed|proceed with (?:the|your|this) (?:order|quote|quotation|proposal|offer|works|installation|project|job))\b")
            .veto(NOT_DEAL),
        won("en.accept.approved", 0.85, r"\b(?:quote|quotation|proposal|offer|estimate|budget|po|order|pricing|price)\b[^.!?]{0,40}?\b(?:has been|was|is|got|been|now)?\s*(?:approved|signed off|accepted|agreed|greenlit|okayed|ok'd)\b|\b(?:we|i|management|the board|finance|head office|the committee|procurement|the partners|the owner|the client|our director|the director|the ceo|the md)\b[^.!?]{0,30}?\b(?:approved|accepted|signed off on|agreed to|okayed)\b[^.!?]{0,25}?\b(?:quote|quotation|proposal|offer|estimate|it|this|price|pricing|order|spend|budget)\b")
            .veto(r"\bpending\b|\bawaiting\b|\bsubject to\b|\bin principle\b|\banother\b|\bother\b"),
        won("en.accept.lets_do_it", 0.85, r"\blet'?s do (?:it|this)\b|\blet'?s go (?:with|for) (?:it|this|your|you|the quote|the proposal|option)\b|\b(?:we'll|we will|we'd like to|we want to|we're going to|we are going to|we have decided to|we've decided to|decided to) go (?:with|for) (?:you|your|it|this|the (?:quote|proposal|offer))\b|\bwe(?:'re| are) going with (?:you|your)\b|\bwe (?:went|have gone|chose|have chosen|picked|selected) (?:you|your)\b|\bcount us in\b|\bwe'?ll take it(?: on)?\s*(?:[.!,;]|$)|\byou(?:'ve| have) got the (?:job|contract|work)\b")
            .veto(r"another|other|different|competitor"),
        won("any.accept.ok_go", 0.8, r"^\W*(?:ok|okay|oui|yes|yep|top|super|parfait|perfect|great|passt|alles klar|gut)\W{0,3}(?:go|go go|on y va|c'est parti|on valide|let's go|lets go|go for it|do it|bitte liefern|bitte bestellen|machen wir)\b")
            .veto(NOT_DEAL),
        won("en.accept.deal", 0.75, r"\b(?:it's a deal|that's a deal|deal!|we have a deal|you have a deal|sounds good,? (?:please )?(?:proceed|go ahead|book)|that works for us)\b"),
        won("en.accept.accept", 0.9, r"\bwe (?:hereby |are happy to |are pleased to |would like to |'d like to |gladly |formally )?accept (?:your|the|this) (?:quote|quotation|proposal|offer|estimate|price|terms)\b|\b(?:i|we) (?:have |hereby )?accepted (?:your|the|this) (?:quote|quotation|proposal|offer|estimate)\b"),
        won("en.accept.signed", 0.9, r"\bsigned (?:copy|quote|quotation|proposal|contract|offer|estimate|order form|acceptance|version|document|agreement|pdf)\b|\b(?:quote|quotation|proposal|contract|offer|estimate|order form)\b[^.!?]{0,20}?\b(?:signed|countersigned|executed)\b|\b(?:i|we)(?:'ve| have)? (?:now )?(?:signed|countersigned) (?:it|the|your|this)\b")
            .f(FUT),
        won("en.accept.purchase_order", 0.85, r"\b(?:purchase order|p\.?o\.?)\s*(?:no\.?|number|nr\.?|#|:|ref\.?)?\s*(?:is|will be|=)?\s*:?\s*[a-z]{0,4}-?\d{3,}\b|\b(?:our|the attached|attached|find|enclosed|official|attaching)\s+(?:purchase order|po)\b|\b(?:purchase order|po) (?:is )?(?:attached|enclosed|raised|issued)\b")
            .f(FUT).veto(r"\bneed\b|\brequire|\bwaiting for\b|\bawaiting\b|\bwill raise\b|\braise (?:a|the) po\b|\bpending\b|\bonce\b|\bwithout\b|\bbox\b"),
        won("en.accept.order", 0.8, r"\bwe(?:'d| would)? like to (?:place (?:an|the|our) order|order (?:the|these|this)|book (?:you|the work|it) in)\b|\bwe (?:are placing|have placed|hereby place|place) (?:an |the |our )?order\b|\bplease (?:book us in|schedule the (?:work|works|installation)|order the (?:materials|fixtures|luminaires))\b|\bthe (?:job|contract|work) is yours\b")
            .f(FUT),
    ]
}

fn won_de_es_it() -> Vec<Rule> {
    vec![
        won("de.accept.bestellen", 0.9, r"\b(?:hiermit )?bestellen wir\b|\bwir bestellen\b|\bbestelle(?:n)? (?:ich|wir)? ?hiermit\b|\bwir (?:mochten|wurden gerne|wollen) (?:gerne |hiermit )?(?:bestellen|beauftragen|den auftrag erteilen)\b")
            .f(FUT),
        won("de.accept.auftrag", 0.9, r"\b(?:erteilen|vergeben) (?:wir )?(?:ihnen )?(?:hiermit )?(?:gerne )?den auftrag\b|\bauftrag (?:ist |wird |hiermit )?erteilt\b|\bbeauftragen (?:wir )?sie\b|\b(?:den|unseren|diesen) auftrag\b[^!?\n]{0,140}?\b(?:erteilen|vergeben) wir\b|\berteilen wir ihnen\b[^.!?]{0,40}?\bauftrag\b|\bsie (?:haben|erhalten|bekommen) den (?:auftrag|zuschlag)\b|\bden (?:auftrag|zuschlag) (?:erhalten|bekommen) sie\b|\bzuschlag (?:ist |wird )?(?:erteilt|geht an sie)\b")
            .f(FUT),
        won("de.accept.angebot_an", 0.9, r"\b(?:nehmen|nimmt) (?:wir )?(?:ihr|das|dieses|euer|ihres|unser) (?:angebot|offert)\b[^.!?]{0,30}?\ban\b|\bangebot\b[^.!?]{0,30}?\b(?:angenommen|freigegeben|akzeptiert|genehmigt|unterschrieben|unterzeichnet|bestatigt)\b|\b(?:akzeptieren|genehmigen|bestatigen) (?:wir )?(?:ihr|das|dieses) angebot\b|\b(?:unterschrieben|unterzeichnet|gegengezeichnet)\w*\s+(?:angebot|auftragsbestatigung|bestellung|vertrag)\b")
            .f(FUT),
        won("de.accept.entschieden_fur_sie", 0.85, r"\bfur (?:ihr|ihres|das|dieses) angebot entschieden\b|\bentschieden\b[^.!?]{0,20}?\bfur (?:ihr angebot|sie|ihre firma|ihr unternehmen)\b"),
        won("de.accept.einverstanden", 0.75, r"\beinverstanden\b").veto(SCHEDULING),
        won("de.accept.freigabe", 0.8, r"\bfreigabe (?:ist )?(?:erteilt|erfolgt)\b|\b(?:geben|gibt|erteilen) (?:wir |ihnen )*(?:die |unsere )?freigabe\b|\bgrunes licht\b|\blegen sie los\b|\bsie konnen (?:loslegen|starten|beginnen|bestellen)\b|\bmachen wir so\b|\bgeht klar\b")
            .veto(SCHEDULING),
        won("de.accept.bestellnummer", 0.85, r"\bbestellung\s*(?:nr\.?|nummer|no\.?|#)\s*:?\s*[a-z]{0,3}-?\d{3,}|\bbestellnummer\s*:?\s*\d{3,}\b").f(FUT),
        won("es.accept.aceptamos", 0.9, r"\b(?:aceptamos|aprobamos|confirmamos|firmamos) (?:el|su|vuestro|la|tu|este|esta|nuestro) (?:presupuesto|oferta|propuesta|pedido|cotizacion)\b|\bpresupuesto (?:firmado|aprobado|aceptado)\b|\b(?:orden de compra|pedido)\s*(?:n\w*\.?|numero|#)?\s*:?\s*\d{3,}"),
        won("es.accept.adelante", 0.8, r"\badelante\b|\bpueden (?:empezar|proceder|comenzar)\b|\bprocedan\b").veto(r"mas adelante|en adelante|de aqui en adelante"),
        won("it.accept.accettiamo", 0.9, r"\b(?:accettiamo|approviamo|confermiamo) (?:il |la |l')?(?:vostro |vostra |suo |sua )?(?:preventivo|offerta|proposta|ordine)\b|\b(?:preventivo|offerta) (?:firmato|firmata|approvato|approvata|accettato|accettata)\b|\bordine\s*(?:n\w*\.?|numero|#)?\s*:?\s*\d{3,}|\bva bene per noi\b"),
        won("it.accept.procediamo", 0.85, r"\bprocediamo\b|\bprocedete\b|\bpotete procedere\b|\bandiamo avanti\b"),
    ]
}

fn lost_rules() -> Vec<Rule> {
    vec![
        lost("fr.lost.other_supplier", 0.9,
    r"\b(?:retenu|retenue|retenir|retenons|choisi|choisie|choisir|opte|optons|opter|privilegie|prefere|signe|signer|signons|travailler|travaillerons|confie|confier|attribue|passer|passons|passe|partis|parti|commande|valide|accepte|decide|decider|decidons)\b[^.!?]{0,40}?(?:(?:une? |d')autres? (?:offre|proposition|entreprise|prestataire|fournisseur|societe|solution|devis|artisan|electricien|installateur|candidat|cabinet|partenaire|bureau|integrateur|constructeur|fabricant|marque|acteur|soumissionnaire|poseur|frigoriste|chauffagiste|plombier|agence|editeur|intervenant|sous-traitant)|(?:un |une |le |la )?concurren\w*|la concurrence|un confrere)"),
        lost("fr.lost.elsewhere", 0.85, r"\b(?:trouve|pris|commande|achete|signe|parti|partis|alles|passe)\w*\b[^.!?]{0,30}?\bailleurs\b"),
        lost("fr.lost.competitor_won", 0.85, r"\b(?:un |une |le |la )?concurren\w*\b[^.!?]{0,40}?\b(?:a ete retenu|a ete choisi|l'a emporte|a remporte|a eu le marche|a obtenu|a ete prefere)\b"),
        lost("fr.lost.usual_supplier", 0.85, r"\b(?:reste\w*|rest(?:ons|er)|gard\w*|conserv\w*|continu\w*|travaill\w*)\s+(?:avec|chez)?\s*(?:notre|nos|leur|mon)\s+(?:electricien|prestataire|fournisseur|installateur|entreprise|artisan|partenaire)s?\s+(?:habituel|actuel|historique|attitre|de toujours)"),
        lost("fr.lost.renewed_incumbent", 0.85, r"\b(?:reconduire|reconduit|reconduisons|reconduirons|renouvel\w*|prolong\w*|rest\w*|continu\w*|gard\w*|conserv\w*|travaill\w*)\b[^.!?]{0,60}?\b(?:avec|chez)\s+(?:notre|nos|leur|mon|le|l')\s*(?:electricien|prestataire|fournisseur|installateur|entreprise|artisan|partenaire|frigoriste|sous-traitant|societe)s?\s+(?:habituel|actuel|historique|attitre|de toujours|en place|sortant)\w*"),
        lost("fr.lost.entrusted_order", 0.85, r"\b(?:confie|confier|confions|attribue|attribuer|attribuons|passe|passee|donne|donnee)\b[^.!?]{0,10}?\b(?:la commande|le marche|le projet|les travaux|le chantier|l'impression|la prestation|le contrat)\b[^.!?]{0,15}?\ba (?:un|une|l'|le|la|notre|leur)\b").veto(r"\bvous\b|\bvotre (?:entreprise|societe)\b"),
        lost("fr.lost.purchasing_body", 0.85, r"\b(?:pass\w*|command\w*|achet\w*|retenu\w*|rest\w*|oblige\w*)\b[^.!?]{0,30}?\b(?:par|via|aupres de|chez|avec)\s+(?:notre|leur|la|une|le)\s+(?:centrale d'achats?|groupement d'achats?|plateforme d'achats?|ugap|referencement|fournisseur reference|marche cadre|accord-cadre|accord cadre)\b"),
        lost("fr.lost.entrusted", 0.85, r"\b(?:confie|confier|confions|confiera|attribue|attribuer|attribuons)\b[^.!?]{0,50}?\ba (?:l'entreprise|la societe|une (?:autre )?entreprise|un (?:autre )?prestataire|un concurrent|l'electricien|notre electricien|leur electricien|l'installateur|un autre|leur prestataire|notre prestataire)\b")
            .veto(r"\bvous\b|\bvotre (?:entreprise|societe)\b"),
        lost("fr.lost.not_selected", 0.85, r"\b(?:votre|l') (?:offre|proposition|devis|candidature)\b[^.!?]{0,30}?\b(?:n'a pas ete|n'est pas|n'a pas|ne sera pas|pas ete)\s+(?:retenu|retenue|selectionne|selectionnee|choisi|choisie)\b|\b(?:n'avons|ne pouvons) pas (?:retenu|retenir|choisi) votre (?:offre|proposition|devis)\b|\bmarche (?:a ete |est )?attribue a\b")
            .f(RAW).veto(r"\bvous (?:etes|avez)\b"),
        lost("en.lost.other_supplier", 0.9, r"\b(?:went|go|going|gone|decided to go|chose|chosen|choose|selected|select|picked|pick|awarded|award|awarding|opted|signed|placed|proceed|proceeding|proceeded|going ahead|went ahead|use|using|stick|sticking|stuck|stay|staying|appointed|hired|engaged|contracted|gave|given|roll out|rolling out|sourced|sourcing|bought|ordered)\b[^.!?]{0,60}?\b(?:another|a different|an alternative|a competing|a cheaper|a rival|the other|our (?:existing|current|usual|framework|preferred|incumbent|regular|in-house|own|local|long-standing|approved|group|national))\s+(?:\w+\s+){0,2}?(?:vendor|supplier|contractor|provider|company|firm|installer|electrician|bidder|partner|quote|offer|proposal|option|solution|team|tender|competitor)s?\b|\b(?:went|go|going|gone|chose|chosen|selected|picked|signed|decided to go) (?:with|for) (?:a|the|one of your) competitors?\b|\b(?:went|gone|going|go|chose|chosen|selected|picked|opted for|decided to go|decided on|awarded (?:it|the \w+) to|renewed|extended|stayed|staying|stick|sticking|stuck) (?:with |for )?(?:the|our) (?:incumbent|existing|current|present|usual|previous) ?(?:vendor|supplier|contractor|provider|company|firm|installer|partner|team|one)?\b|\b(?:went|gone|going|chose|chosen|selected|picked|opted for|decided to go) (?:with|for) (?:a|an) (?:[a-z-]+ ){0,2}?(?:vendor|supplier|contractor|provider|company|firm|installer|electrician|outfit|specialist|integrator|manufacturer)\b|\brenew\w* (?:the |our )?(?:\w+ ){0,2}(?:contract|agreement) with (?:the|our) (?:incumbent|existing|current)\b")
            .veto(r"\bunless\b|\bif\b|\botherwise\b"),
        lost("en.lost.purchasing_body", 0.85, r"\b(?:went|go|going|gone|ordered|bought|sourced|procured|placed)\b[^.!?]{0,30}?\b(?:through|via|from|under)\s+(?:our|the|a)\s+(?:purchasing (?:group|consortium|organisation|organization|platform)|buying (?:group|consortium)|framework(?: agreement| contract)?|preferred supplier list|group contract|national contract)\b"),
        lost("en.lost.elsewhere", 0.85, r"\b(?:awarded|placed|given|went|gone|going|taken|take|took|sourced|ordered|decided to go)\b[^.!?]{0,40}?\belsewhere\b|\byour (?:tender|bid|quote|quotation|proposal|offer)\b[^.!?]{0,40}?\b(?:unsuccessful|not (?:been )?successful|not selected|not been selected|not chosen|not shortlisted)\b|\bwe(?:'ve| have) (?:awarded|given|placed) (?:the|this) (?:contract|job|order|work) to\b")
            .f(RAW).veto(r"\bto you\b|\bto your (?:company|firm|team)\b"),
    ]
}

fn lost_rules_2() -> Vec<Rule> {
    vec![
        lost("en.lost.competitor_won", 0.8, r"\b(?:a |the |another )?(?:competitor|rival|another (?:vendor|supplier|company|firm|contractor|installer))\b[^.!?]{0,40}?\b(?:won|got the (?:job|contract|order)|was selected|was chosen|has been selected|was awarded|has been awarded|came in cheaper and)\b"),
        lost("de.lost.other_supplier", 0.9, r"\b(?:fur|zugunsten) (?:einen|ein|eine|einem|den|das) (?:anderen|andere|anderes|alternativen|gunstigeren|anderem|gunstigeres) (?:anbieter|lieferanten|dienstleister|partner|angebot|firma|unternehmen|installateur|elektriker|elektrobetrieb|wettbewerber|mitbewerber|betrieb|fachbetrieb)\b|\b(?:mitbewerber|wettbewerber|konkurrenz|konkurrenten)\b[^.!?]{0,40}?\b(?:entschieden|beauftragt|vergeben|zuschlag|erhalten|gewahlt)\b|\bauftrag\b[^.!?]{0,40}?\ban (?:einen|einem|den|die) (?:mitbewerber|wettbewerber|konkurrenten|anderen anbieter|anderen lieferanten)\b|\b(?:entschieden|beauftragt|vergeben|gewahlt|bestellt)\b[^.!?]{0,30}?\b(?:mitbewerber|wettbewerber|konkurrenz|konkurrenten|anderweitig)\b|\banderweitig (?:vergeben|entschieden|beauftragt|bestellt)\b|\b(?:bleiben|arbeiten) (?:wir )?(?:weiterhin )?(?:bei|mit) unserem (?:bisherigen|jetzigen|langjahrigen|bewahrten|hauselektriker|elektriker|lieferanten|partner)"),
        lost("de.lost.not_selected", 0.85, r"\bangebot\b[^.!?]{0,30}\bnicht (?:berucksichtigt|ausgewahlt|gewahlt|zum zug)\b|\bnicht den zuschlag\b|\bkeinen zuschlag\b|\bzuschlag\b[^.!?]{0,30}\b(?:einem anderen|einen anderen|anderen bieter)\b").f(RAW),
        lost("es.lost.other_supplier", 0.85, r"\b(?:elegido|escogido|optado por|contratado|decidido ir con|seleccionado|adjudicado|quedamos con|nos quedamos con)\b[^.!?]{0,30}?\b(?:otro|otra|otros|nuestro habitual) (?:proveedor|empresa|oferta|propuesta|instalador|presupuesto|electricista)?\b|\botro proveedor\b|\bla competencia\b"),
        lost("it.lost.other_supplier", 0.85, r"\b(?:scelto|optato per|affidato|selezionato|preferito|aggiudicato)\b[^.!?]{0,30}?\b(?:un altro|un'altra|altro|altra|un altra|la concorrenza|un concorrente)\b|\baltro fornitore\b|\baltra ditta\b"),
    ]
}

fn vanished_rules() -> Vec<Rule> {
    const REPLACED: &str = r"annule et remplace|annulee et remplacee|remplace par|remplacee par|replaced|superseded|ersetzt|sostituit|reemplaz";
    vec![
        gone("fr.vanish.project_abandoned", 0.9, r"\b(?:projet|dossier|travaux|chantier|demande|consultation|renovation|operation|achat)\b[^.!?]{0,30}?\b(?:est |a ete |sera |sont |ont ete )?(?:abandonne|abandonnee|annule|annulee|annules|enterre|arrete|stoppe|tombe a l'eau)s?\b|\b(?:abandonn\w*|annul\w*|arret\w*|stopp\w*) (?:le|ce|notre|la|cette|les|nos) (?:projet|dossier|travaux|chantier|demande|consultation|renovation)\b|\btombe a l'eau\b")
            .veto(REPLACED),
        gone("fr.vanish.no_follow_up", 0.9, r"\b(?:ne|n')\s*(?:[a-z']+\s+){0,3}?(?:pas|plus)\s+(?:[a-z']+\s+){0,2}?(?:donn|reserv)\w*\s+(?:de\s+|une\s+|aucune\s+)?suite\b|\b(?:donn|reserv)\w* (?:aucune|pas de) suite\b|\b(?:ne|n')\s*(?:[a-z']+\s+){0,2}?(?:donn|reserv)\w*\s+(?:pas|plus|aucune)\s+(?:de\s+)?suite\b|\bclass\w* sans suite\b|\bsuite defavorable\b|\bpas (?:de |pu )?donner suite\b")
            .f(RAW),
        gone("fr.vanish.decided_not", 0.85, r"\bdecid\w* de ne (?:pas|plus) (?:faire|lancer|realiser|engager|poursuivre|investir|changer|remplacer|renouveler|proceder|donner|moderniser|renover|equiper)\b|\bne se fera (?:pas|finalement pas)\b|\bne verra pas le jour\b|\bplus d'actualite\b|\bon renonce\b|\bnous renon\w*\b|\brenonc\w* (?:au|a ce|a notre|a la|a l'|aux) (?:projet|travaux|renovation|chantier|remplacement|investissement)\b|\bn'irons pas plus loin\b|\bn'allons pas (?:plus loin|donner suite|poursuivre)\b")
            .f(RAW),
        gone("fr.vanish.not_doing", 0.75, r"\b(?:ne|n')\s*(?:fait|ferons|fera|faisons|lancerons|lancera|realiserons) (?:pas|plus|finalement pas) (?:les|ces|ses|nos|le|ce) (?:travaux|projet|chantier|renovation)\b|\b(?:ne|n')\s*(?:sommes|suis|serons) plus interesse\w*\b|\bne sommes (?:finalement )?pas interesse\w*\b")
            .f(RAW | DATED),
        gone("fr.vanish.keep_existing", 0.75, r"\b(?:conserver|garder|on garde|nous gardons|on conserve|nous conservons|nous allons garder|on va garder)\b[^.!?]{0,25}?\b(?:l'existant|(?:l'eclairage|l'installation|les luminaires|nos luminaires|notre eclairage|notre installation|les eclairages)\s+(?:actuel|actuelle|actuels|existant|existante|en place|tel quel|telle quelle))\b"),
        gone("fr.vanish.budget", 0.65, r"\b(?:pas|plus|aucun) (?:de |le |d')?budget\b|\bbudget\b[^.!?]{0,20}?\b(?:gele|supprime|coupe|refuse|annule|non vote|n'a pas ete (?:vote|accorde|valide|obtenu))\b|\bsubvention\b[^.!?]{0,30}\b(?:refusee|rejetee|pas accordee|n'a pas ete accordee)\b")
            .f(RAW | DATED),
        gone("en.vanish.not_proceed", 0.9, r"\b(?:decided|decision|chosen|opted|elected|agreed) (?:is )?not to (?:proceed|go ahead|pursue|move forward|do|continue|invest|replace|upgrade|go forward|carry on|renew|change|go through)\b|\b(?:will|shall) not be (?:proceeding|going ahead|moving forward|pursuing)\b|\bwon't be (?:proceeding|going ahead|moving forward|pursuing|taking (?:this|it) forward)\b|\bnot (?:be )?(?:proceeding|moving forward|going ahead|going forward|taking (?:this|it) forward) with (?:this|the|your|our)\b|\b(?:we|i) (?:will|'ll) pass\b|\bwe(?:'re| are)? (?:going to |gonna )?pass(?:ing)? on (?:this|it|the)\b")
            .f(RAW).veto(r"\bfor now\b|\byet\b|\bright now\b|\buntil\b|\bbefore\b|\bat the moment\b|\bfor the time being\b"),
        gone("en.vanish.cancelled", 0.9, r"\b(?:project|request|plans?|upgrade|works?|refurbishment|relamping|retrofit|initiative|job|rfq|enquiry|inquiry|order|idea|scheme|programme|program)\b[^.!?]{0,30}?\b(?:has been|was|is|got|been|have been|are)\s+(?:cancelled|canceled|scrapped|dropped|abandoned|killed|axed|withdrawn|called off|pulled|binned)\b|\b(?:cancel|scrap|drop|abandon|withdraw|call off|kill|axe|shelv|ditch|bin)(?:l?ed|l?ing|p?ed|p?ing|ped|ping|s|e|es)?\s+(?:the|this|our|that|these)\s+(?:whole\s+|entire\s+)?(?:project|request|plans?|upgrade|works|refurbishment|relamping|retrofit|order|rfq|enquiry|inquiry|idea|scheme|investment|purchase|installation|renovation)\b|\bconsider (?:our|this|the|my) (?:request|enquiry|inquiry|rfq|order|project) (?:as )?(?:cancelled|canceled|withdrawn|closed|void)\b")
            .veto(REPLACED),
    ]
}

fn vanished_rules_2() -> Vec<Rule> {
    vec![
        gone("en.vanish.no_longer", 0.85, r"\bno longer (?:a priority|needed|required|necessary|relevant|going ahead|proceeding|pursuing|interested|an option|on the table|in the budget|happening|going to happen)\b|\bnot (?:needed|required|interested) any ?more\b|\b(?:closing|close) (?:this|the) (?:topic|request|file|thread|matter|enquiry|inquiry) (?:on our side|from our side|down)?\b|\bput (?:the|this|our) money (?:into|towards|elsewhere)\b|\b(?:keep|stay with|stick with) (?:the|our) (?:existing|current) (?:lighting|fixtures|installation|system|lights|setup)\b|\bdo nothing\b|\bpulled the plug\b|\bwon't be able to use your (?:proposal|quote|quotation|offer)\b")
            .f(RAW),
        gone("en.vanish.budget", 0.65, r"\b(?:no|lost (?:the|our)|don't have (?:the|a|any)|do not have (?:the|a|any)|haven't got (?:the|a|any)|without) budget\b|\bbudget\b[^.!?]{0,25}?\b(?:was|has been|got|is|been)\s+(?:cut|pulled|withdrawn|cancelled|canceled|frozen|slashed|reallocated|removed|rejected|refused|denied)\b|\b(?:funding|grant)\b[^.!?]{0,25}?\b(?:fell through|was refused|was denied|was rejected|has been cut|was cut|was pulled)\b|\bshelved\b|\bon ice\b")
            .f(RAW | DATED),
        gone("en.vanish.frozen_indefinitely", 0.85, r"\b(?:capex|budget|budgets|spending|investment|investments|project|projects)\b[^.!?]{0,30}?\b(?:frozen|on hold|suspended|cancelled|canceled)\b[^.!?]{0,20}?\b(?:until further notice|indefinitely|for the foreseeable future)\b|\b(?:please|kindly|you can|you may|feel free to) close (?:it|this|the (?:file|project|request|enquiry|inquiry|opportunity|deal|quote))(?: on your side| from your side| down)?\b|\b(?:don't|do not|can't|cannot) see (?:this|the|it|our) (?:\w+ ){0,2}?(?:coming back|happening|going ahead|moving forward)\b").f(RAW),
        gone("fr.vanish.frozen_indefinitely", 0.85, r"\b(?:budget|budgets|investissements?|projet|projets|depenses)\b[^.!?]{0,30}?\b(?:gele|geles|gelee|suspendu|suspendus|bloque|bloques)\b[^.!?]{0,20}?\b(?:jusqu'a nouvel ordre|sine die|indefiniment)\b|\b(?:vous pouvez|merci de|pouvez-vous) (?:clore|clotur\w*|fermer|classer) (?:le dossier|ce dossier|le sujet|ce sujet|la demande|cette demande|notre demande|le projet)\b").f(RAW),
        gone("de.vanish.frozen_indefinitely", 0.85, r"\b(?:budget|investitionen|projekt|vorhaben)\b[^.!?]{0,30}?\b(?:eingefroren|gestoppt|ausgesetzt)\b[^.!?]{0,20}?\bbis auf weiteres\b|\b(?:sie konnen|bitte) (?:den vorgang|die anfrage|das projekt|das angebot) (?:schliessen|abschliessen|ablegen)\b").f(RAW),
        gone("en.vanish.in_house", 0.85, r"\b(?:keep|keeping|kept|do|doing|handle|handling|bring|bringing|brought)\b[^.!?]{0,25}?\b(?:in-house|in house|internally|ourselves)\b|\bdo it (?:ourselves|internally|in-house)\b").veto(r"\b(?:if|whether|could|might|quote|price)\b"),
        gone("fr.vanish.in_house", 0.85, r"\b(?:faire|ferons|faisons|realiser|realiserons|gerer|gererons|traiter|traiterons|garder|gardons)\b[^.!?]{0,25}?\b(?:en interne|nous-memes|par nos propres moyens)\b").veto(r"\bsi\b|\bdevis\b"),
        gone("de.vanish.in_house", 0.85, r"\b(?:intern|selbst|hausintern|in eigenregie)\b[^.!?]{0,25}?\b(?:losen|erledigen|machen|umsetzen|durchfuhren|ubernehmen|gelost|erledigt|gemacht|umgesetzt)\b").veto(r"\bob\b|\bfalls\b"),
        gone("any.vanish.sine_die", 0.8, r"\b(?:reporte|reportee|repousse|suspendu|suspendue|postponed|put off|shelved|deferred|verschoben|zuruckgestellt)\b[^.!?]{0,25}?\b(?:sine die|indefiniment|indefinitely|auf unbestimmte zeit|a une date indeterminee|until further notice|jusqu'a nouvel ordre|bis auf weiteres)\b").f(RAW).veto(r"pas abandonne|not abandoned|nicht aufgegeben|reviendrai|get back to you|melde mich"),
        gone("de.vanish.cancelled", 0.85, r"\b(?:projekt|vorhaben|anfrage|bestellung|auftrag|sanierung|modernisierung)\w*\b[^.!?]{0,30}?\b(?:wurde|wird|ist|hat sich)\s+(?:\w+\s+)?(?:gestrichen|abgesagt|eingestellt|storniert|gestoppt|abgebrochen|verworfen|beerdigt|ad acta gelegt|hinfallig|zuruckgezogen|gegenstandslos|erledigt)\b|\b(?:streichen|stornieren|stoppen|canceln|verwerfen)\s+(?:wir\s+)?(?:das|unser|dieses) (?:projekt|vorhaben)\b|\b(?:verzichten|sehen)\b[^.!?]{0,40}?\b(?:auf (?:die|eine) (?:umsetzung|beauftragung|realisierung|durchfuhrung|modernisierung|erneuerung)|von (?:einer|der) (?:beauftragung|umsetzung|realisierung|durchfuhrung)\b[^.!?]{0,10}?\bab)\b"),
        gone("de.vanish.not_pursue", 0.85, r"\b(?:nicht (?:weiter )?(?:verfolgen|verfolgt|umsetzen|umgesetzt|realisieren|realisiert|durchfuhren|durchgefuhrt|weiterverfolgen|weiterverfolgt|gebaut|saniert|modernisiert|erneuert)(?: werden| wird)?)\b|\bentschieden,? (?:das projekt |es )?nicht\b").f(RAW),
        gone("de.vanish.budget", 0.65, r"\bkein (?:budget|geld)\b|\bbudget\b[^.!?]{0,25}?\b(?:gestrichen|gekurzt|eingefroren|nicht genehmigt)\b").f(RAW | DATED),
        gone("es.vanish.cancelled", 0.85, r"\bproyecto\b[^.!?]{0,20}?\b(?:cancelado|anulado|abandonado)\b|\b(?:cancelamos|anulamos|abandonamos) el proyecto\b|\bhemos decidido no\b|\bno vamos a (?:seguir|continuar|hacer|realizar)\b").f(RAW),
        gone("it.vanish.cancelled", 0.85, r"\bprogetto\b[^.!?]{0,20}?\b(?:annullato|cancellato|abbandonato)\b|\babbiamo deciso di non\b|\bnon (?:procediamo|procederemo|andiamo avanti)\b|\brinunciamo\b").f(RAW),
    ]
}

fn hold_rules() -> Vec<Rule> {
    vec![
        hold("fr.hold.pause", 0.85, r"\b(?:mett\w*|mis|mise|met)\s+(?:[a-z']+\s+){0,3}?en (?:pause|attente|stand-by|standby|stand by|veille|suspens|sommeil)\b|\ben (?:pause|stand-by|standby|stand by|suspens)\b|\bon (?:gele|suspend|reporte|decale|repousse|differe)\b|\bgel(?:er|ons|e) (?:le|ce|notre|donc le) (?:dossier|projet)\b|\bsuspend\w* (?:le|ce|notre) (?:dossier|projet)\b|\b(?:report|repouss|decal|differ)\w* (?:le|ce|notre|la|cette|ces|nos|les) (?:projet|dossier|decision|renovation|sujet|point|investissement|achat|commande|travaux|chantier|installation|discussion|remplacement)s?\b|\bmet(?:tons|s)? de cote\b"),
        hold("fr.hold.postponed", 0.8, r"\b(?:projet|dossier|travaux|chantier|decision|renovation)\b[^.!?]{0,25}?\b(?:est |sont |a ete |ont ete |sera |seront )?(?:reporte|reportes|reportee|repousse|repousses|decale|decales|differe|suspendu|suspendus|gele|geles)\b")
            .veto(r"\b(?:visite|rendez-vous|rdv|livraison|reunion)\b"),
        hold("fr.hold.postpone_to", 0.8, r"\b(?:reportons|repoussons|decalons|differons|remettons)\b[^.!?]{0,30}?\b(?:a|au|en|jusqu'(?:a|au|en)|apres|vers)\b").f(NEEDS_DATE),
        hold("fr.hold.wait", 0.7, r"\b(?:preferons|prefere|allons|souhaitons|voulons|prefer to|would rather|we'd rather|'d rather) (?:attendre|wait)\b").f(NEEDS_DATE),
        hold("fr.hold.come_back_later", 0.8, r"\b(?:revenez|revenir|recontactez|re-contactez|recontacter|re-contacter|rappelez|rappeler|relancez|relancer|reprenez contact|reprendre contact|on en reparle\w*|nous en reparlerons|reparlons-en|on se recontacte|on se reparle|on se rappelle|rappelez-moi|rappelle[zr]?-nous|refaites signe|refaire signe)\b").f(NEEDS_DATE),
        hold("fr.hold.not_now", 0.75, r"\bpas pour (?:le moment|l'instant|tout de suite|maintenant|cette annee)\b|\b(?:projet|dossier|travaux)\b[^.!?]{0,30}?\b(?:plus tard|ulterieurement|a une date ulterieure|dans un second temps)\b|\b(?:pas|rien|aucune decision) avant (?:la|l'|le|fin|debut|mi|septembre|octobre|novembre|decembre|janvier|fevrier|mars|avril|mai|juin|juillet|aout|\d)")
            .f(RAW),
        hold("en.hold.on_hold", 0.85, r"\b(?:put|putting|place|placing|keep|keeping)\s+(?:[a-z']+\s+){0,3}?on (?:hold|ice|the back ?burner|pause)\b|\bon hold\b|\bhold off\b|\bpark (?:this|it|the project|things|the proposal|the quote)\b|\bpause (?:this|the project|things|it)\b|\b(?:postpone|postponing|postponed|defer|deferring|deferred|push(?:ing)? (?:this|it|the project) back|pushed back)\b|\bdelay(?:ing|ed)? (?:the|this|our) (?:project|works|decision|installation|upgrade|order)\b")
            .veto(r"\bmeeting\b|\bcall\b|\bvisit\b|\bappointment\b|\bsurvey\b|\bdelivery\b|\bwaiting\b"),
        hold("en.hold.not_now", 0.8, r"\bnot (?:right )?now\b|\bnot at (?:the|this) (?:moment|time|stage)\b|\bnot for (?:the time being|the moment|now)\b|\bbudget (?:reopens|resets|is renewed|becomes available|frees up|opens)\b|\bnext (?:year's|financial year's|fiscal year's|fy) budget\b|\bwon't make it into (?:the|this)\b|\bnot in this (?:year's|quarter's) budget\b")
            .f(RAW),
        hold("en.hold.revisit", 0.8, r"\b(?:revisit|circle back|come back to (?:this|it|us|me)|touch base|reconnect|pick (?:this|it) (?:back )?up|call me|contact me|reach out|talk again|speak again|get in touch)\b").f(NEEDS_DATE),
        hold("de.hold.pause", 0.8, r"\bauf eis\b|\b(?:verschieben|verschoben|zuruckstellen|zuruckgestellt|pausieren|pausiert|aufschieben|aufgeschoben|vertagen|vertagt|ruhen lassen)\b|\b(?:derzeit|momentan|vorerst|aktuell|im moment|zurzeit|zur zeit) nicht\b|\bzu einem spateren zeitpunkt\b")
            .f(RAW).veto(r"termin|besuch|besichtigung|lieferung|meeting|besprechung|telefonat"),
        hold("de.hold.come_back", 0.75, r"\b(?:melden|kommen)\b[^.!?]{0,30}?\b(?:wieder|erneut|nochmals|auf sie zu)\b").f(NEEDS_DATE),
        hold("es.hold.later", 0.75, r"\blo dejamos para\b|\b(?:aplaz|pospon|pospus|posterg)\w*\b|\bmas adelante\b|\bretomamos\b|\bvolvemos a hablar\b|\bhablamos (?:en|despues|a partir)\b").veto(r"respuesta|noticias|confirmacion"),
        hold("it.hold.later", 0.75, r"\bne riparliamo\b|\bposticip\w*\b|\bin sospeso\b|\bin stand-?by\b|\bpiu avanti\b|\brimand\w* (?:il progetto|tutto|a|al|alla|all')\b|\bsentiamoci\b").f(RAW),
    ]
}

fn open_rules() -> Vec<Rule> {
    vec![
        open("fr.open.waiting", 0.6, r"\b(?:en attente de|attendons|j'attends|nous attendons)\b[^.!?]{0,40}?\b(?:validation|accord|retour|decision|direction|financement|budget|subvention|reponse|conseil)\b|\ben cours de (?:validation|discussion|reflexion|etude|analyse)\b|\bje (?:vous )?reviens vers vous\b|\bje (?:vous )?tiens au courant\b|\bnous (?:etudions|regardons|analysons)\b|\bpas encore (?:decide|tranche|valide)\b|\bje reviendrai vers vous\b"),
        open("fr.open.disagree", 0.6, r"\bpas (?:tout a fait|vraiment|completement|entierement|du tout) d'accord\b|\bavant de (?:signer|valider|commander|nous engager|decider|donner)\b"),
        open("fr.open.appointment", 0.6, r"\bvalid\w*\b[^.!?]{0,20}?\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|rdv|rendez-vous|la visite|le passage|le creneau|la date|\d{1,2} ?h)\b"),
        open("en.open.waiting", 0.6, r"\b(?:still )?waiting (?:on|for) (?:sign-off|signoff|approval|the board|finance|budget|a decision|management|the go-ahead|feedback)\b|\bhaven't decided\b|\bhave not (?:yet )?decided\b|\bno decision (?:yet|before|until)\b|\bnot (?:yet )?decided\b|\btake it to (?:the|our)\b|\bget back to you\b|\bkeep you posted\b|\bbefore (?:signing|we sign|we commit|committing|approving)\b|\b(?:i|we)(?:'ll| will) sign\b|\bunder review\b|\breviewing\b|\bcompar\w* (?:it|your|the) (?:quote|proposal|offer)s?\b"),
        open("de.open.waiting", 0.55, r"\b(?:prufen|besprechen|klaren|abstimmen)\b|\bnoch nicht entschieden\b|\bnoch keine entscheidung\b|\bmelde mich\b|\bmelden uns\b|\bwarten (?:auf|noch)\b"),
        open("es_it.open.waiting", 0.55, r"\b(?:estamos (?:estudiando|revisando)|lo estamos (?:estudiando|revisando|pensando)|stiamo (?:valutando|esaminando)|vi faremo sapere|le haremos saber|te diremos)\b"),
    ]
    .into_iter()
    .map(|r| r.f(ASK))
    .collect()
}
