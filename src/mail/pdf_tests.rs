use super::*;
use flate2::Compression;
use flate2::write::ZlibEncoder;
use std::io::Write;

/// A one-page PDF around `stream_dict` + `content` (offsets need not be exact).
fn make_pdf(stream_dict: &str, content: &[u8]) -> Vec<u8> {
    let mut pdf =
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            .to_vec();
    pdf.extend_from_slice(b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    pdf.extend_from_slice(b"3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>\nendobj\n");
    pdf.extend_from_slice(
        format!(
            "4 0 obj\n<< /Length {} {stream_dict}>>\nstream\n",
            content.len()
        )
        .as_bytes(),
    );
    pdf.extend_from_slice(content);
    pdf.extend_from_slice(b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    pdf
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

const CONTENT: &[u8] = b"BT\n/F1 10 Tf\n13 TL\n50 800 Td\n(DEVIS N\\260 DEV-2026-014) Tj T*\n(Total HT 16 480,00 \\200) Tj T*\n(Lumi\\350re \\(Lyon\\)) Tj\n0 -13 Td\n[(Mon) 120 (tant) -300 (TTC)] TJ\n(suite) '\nET\n";

#[test]
fn uncompressed_content() {
    let text = pdf_text(&make_pdf("", CONTENT), 10_000);
    assert_eq!(
        text,
        "DEVIS N° DEV-2026-014\\nTotal HT 16 480,00 €\\nLumière (Lyon)\\nMontant TTC\\nsuite"
            .replace("\\n", "\n")
    );
}

#[test]
fn flate_content() {
    let text = pdf_text(&make_pdf("/Filter /FlateDecode ", &zlib(CONTENT)), 10_000);
    assert!(text.contains("Total HT 16 480,00 €"), "{text}");
    assert!(text.starts_with("DEVIS N° DEV-2026-014"), "{text}");
}

#[test]
fn hex_and_utf16_strings() {
    let content = b"BT <48656C6C6F> Tj T* <FEFF00C900740065> Tj T* <4> Tj ET";
    assert_eq!(pdf_text(&make_pdf("", content), 100), "Hello\nÉte\n@");
}

#[test]
fn respects_max_chars() {
    let text = pdf_text(&make_pdf("", CONTENT), 10);
    assert_eq!(text.chars().count(), 10);
    assert_eq!(text, "DEVIS N° D");
    assert_eq!(pdf_text(&make_pdf("", CONTENT), 0), "");
    let two = pdf_text(&make_pdf("", CONTENT), 23);
    assert!(two.chars().count() <= 23, "{two:?}");
}

#[test]
fn skips_images_and_unknown_filters() {
    assert_eq!(pdf_text(&make_pdf("/Subtype /Image ", CONTENT), 100), "");
    assert_eq!(pdf_text(&make_pdf("/Filter /DCTDecode ", CONTENT), 100), "");
}

#[test]
fn garbage_never_panics() {
    let mut seed: u32 = 12345;
    for len in [0usize, 1, 7, 100, 5000] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (seed >> 16) as u8
            })
            .collect();
        let _ = pdf_text(&bytes, 1000);
    }
    for bad in [
        &b"stream"[..],
        b"stream\n(abc",
        b"stream\r\nBT (unterminated \\",
        b"<< /Filter /FlateDecode >>\nstream\n\x78\x9c\x00\x01garbage\nendstream",
        b"stream\nBT <4F4 Tj [ (a) -500 (b) TJ ] ] ' \" ET\nendstream",
        b"stream\nBT (\\777\\0) Tj <FEFF00> Tj ET endstream",
        b"endstream stream",
        "stream\n(é) Tj\nendstream".as_bytes(),
    ] {
        let _ = pdf_text(bad, 1000);
    }
    assert_eq!(pdf_text(b"not a pdf at all", 100), "");
}
