use super::*;

#[test]
fn detects_each_language() {
    assert_eq!(
        detect_language(
            "Bonjour Madame, veuillez trouver ci-joint notre devis pour la rénovation de l'éclairage. Nous restons à votre disposition. Cordialement"
        ),
        "fr"
    );
    assert_eq!(
        detect_language(
            "Hi Tom, please find attached our quote for the warehouse. Let me know if you have any questions. Best regards"
        ),
        "en"
    );
    assert_eq!(
        detect_language(
            "Sehr geehrter Herr Weber, anbei erhalten Sie unser Angebot für die Beleuchtung. Mit freundlichen Grüßen"
        ),
        "de"
    );
    assert_eq!(
        detect_language(
            "Estimado señor, le enviamos el presupuesto para la nave. Quedamos a su disposición para cualquier duda. Saludos"
        ),
        "es"
    );
    assert_eq!(
        detect_language(
            "Gentile cliente, in allegato il nostro preventivo per il negozio. Restiamo a disposizione per qualsiasi domanda. Cordiali saluti"
        ),
        "it"
    );
}

#[test]
fn short_or_unclear_is_und() {
    assert_eq!(detect_language(""), "und");
    assert_eq!(detect_language("OK"), "und");
    assert_eq!(detect_language("DEV-2026-014 12 400,00 €"), "und");
    assert_eq!(detect_language("\u{0}\u{FFFF}€€€"), "und");
}

#[test]
fn only_first_kilobytes_count() {
    let text = format!(
        "{}{}",
        "Thanks for the quote, we will review it and get back to you. ".repeat(80),
        "Merci pour le devis et à bientôt. ".repeat(400)
    );
    assert_eq!(detect_language(&text), "en");
}
