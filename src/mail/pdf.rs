//! Best-effort PDF text for dealwatch.
//!
//! Quotes often state their total only in the attached PDF. A full PDF
//! library is heavy and slow; what we need is the visible strings, so this
//! module walks the content streams (raw or FlateDecode), runs the text
//! operators Tj, TJ, ' and " and decodes their strings as Latin-1/WinAnsi or
//! UTF-16BE. No fonts, no CMaps: PDFs with embedded subset fonts may come out
//! empty or garbled. It never panics and bounds its work.

use flate2::read::ZlibDecoder;
use std::io::Read;

#[cfg(test)]
#[path = "pdf_tests.rs"]
mod tests;

/// Cap on the decompressed size of one stream.
const MAX_STREAM_OUTPUT: u64 = 4 * 1024 * 1024;
/// How far before `stream` we look for its dictionary.
const DICT_LOOKBACK: usize = 1024;

/// Best-effort text of a PDF: the strings shown by Tj/TJ/'/" operators in its content streams, uncompressed or FlateDecode (decompressed with flate2, each stream capped at 4 MB output), with literal-string escapes (\(, \), \\, \n, octal) and simple hex strings decoded, in order, lines joined by '\n'. Stops after `max_chars` output characters. Never panics on malformed input; returns an empty string when nothing is found. Cheap: no font/CMap handling beyond treating bytes as Latin-1/WinAnsi (PDFDocEncoding ≈ Latin-1) and UTF-16BE strings with BOM.
pub fn pdf_text(bytes: &[u8], max_chars: usize) -> String {
    let mut out = Output::new(max_chars);
    let mut pos = 0;
    while !out.full() {
        let Some((dict, data, next)) = next_stream(bytes, pos) else {
            break;
        };
        pos = next;
        if skip_stream(dict) {
            continue;
        }
        if contains(dict, b"/FlateDecode") || contains(dict, b"/Fl ") || contains(dict, b"/Fl]") {
            if let Some(plain) = inflate(data) {
                run_content(&plain, &mut out);
            }
        } else if !contains(dict, b"/Filter") {
            run_content(data, &mut out);
        }
    }
    out.finish()
}

/// Streams that are never page content (images, fonts, metadata, xref).
fn skip_stream(dict: &[u8]) -> bool {
    [
        &b"/Image"[..],
        b"/Length1",
        b"/Length2",
        b"/Length3",
        b"/XRef",
        b"/Metadata",
        b"/ObjStm",
        b"/FontFile",
        b"/Type1C",
        b"/CIDFontType0C",
        b"/OpenType",
        b"/ICCBased",
        b"/EmbeddedFile",
    ]
    .iter()
    .any(|k| contains(dict, k))
}

/// Decompresses a zlib stream (falls back to raw deflate), capped at 4 MB.
fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut plain = Vec::new();
    let ok = ZlibDecoder::new(data)
        .take(MAX_STREAM_OUTPUT)
        .read_to_end(&mut plain)
        .is_ok();
    if ok || !plain.is_empty() {
        return Some(plain);
    }
    plain.clear();
    let raw = flate2::read::DeflateDecoder::new(data)
        .take(MAX_STREAM_OUTPUT)
        .read_to_end(&mut plain);
    (raw.is_ok() || !plain.is_empty()).then_some(plain)
}

/// Position of `needle` in `hay` from `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Whether `hay` contains `needle`.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle, 0).is_some()
}

/// The next stream from `pos`: (dictionary bytes, data, position after it).
fn next_stream(bytes: &[u8], mut pos: usize) -> Option<(&[u8], &[u8], usize)> {
    loop {
        let at = find(bytes, b"stream", pos)?;
        pos = at + 6;
        let preceded_by_end = at >= 3 && bytes.get(at - 3..at) == Some(b"end");
        if preceded_by_end {
            continue;
        }
        let start = match (bytes.get(pos), bytes.get(pos + 1)) {
            (Some(b'\r'), Some(b'\n')) => pos + 2,
            (Some(b'\n' | b'\r'), _) => pos + 1,
            _ => continue,
        };
        let end = find(bytes, b"endstream", start).unwrap_or(bytes.len());
        let dict_from = at.saturating_sub(DICT_LOOKBACK);
        let dict_area = bytes.get(dict_from..at).unwrap_or(&[]);
        let dict_start = rfind(dict_area, b"obj").map_or(0, |p| p + 3);
        let dict = dict_area.get(dict_start..).unwrap_or(&[]);
        let data = bytes.get(start..end).unwrap_or(&[]);
        return Some((dict, trim_eol(data), end + 9));
    }
}

/// Last position of `needle` in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Drops the end-of-line before `endstream`.
fn trim_eol(data: &[u8]) -> &[u8] {
    let mut d = data;
    while let Some((last, rest)) = d.split_last() {
        if *last == b'\n' || *last == b'\r' {
            d = rest;
        } else {
            break;
        }
    }
    d
}

/// Collected text with a character budget.
struct Output {
    text: String,
    chars: usize,
    max: usize,
    /// The current line has visible text.
    line_has_text: bool,
    /// A '\n' is due before the next visible character.
    pending_newline: bool,
}

impl Output {
    /// Empty output allowed `max` characters.
    fn new(max: usize) -> Self {
        Output {
            text: String::new(),
            chars: 0,
            max,
            line_has_text: false,
            pending_newline: false,
        }
    }

    /// Whether the budget is spent.
    fn full(&self) -> bool {
        self.chars >= self.max
    }

    /// Appends shown text to the current line (leading blanks dropped).
    fn push_str(&mut self, s: &str) {
        for ch in s.chars() {
            let blank = ch.is_whitespace();
            if blank && !self.line_has_text {
                continue;
            }
            let need = if self.pending_newline && !blank { 2 } else { 1 };
            if self.chars + need > self.max {
                self.chars = self.max;
                return;
            }
            if need == 2 {
                self.text.push('\n');
                self.pending_newline = false;
            }
            self.text.push(ch);
            self.chars += need;
            self.line_has_text = true;
        }
    }

    /// Ends the current line (trailing blanks and empty lines are dropped).
    fn newline(&mut self) {
        if self.line_has_text {
            while self.text.ends_with(' ') {
                self.text.pop();
                self.chars = self.chars.saturating_sub(1);
            }
            self.pending_newline = true;
            self.line_has_text = false;
        }
    }

    /// The text so far.
    fn finish(mut self) -> String {
        self.newline();
        self.text
    }
}

/// An operand on the content-stream stack.
enum Operand {
    Str(Vec<u8>),
    Array(Vec<Vec<u8>>),
    Num(f64),
}

/// Runs the text operators of one content stream.
fn run_content(data: &[u8], out: &mut Output) {
    let mut stack: Vec<Operand> = Vec::new();
    let mut array: Option<Vec<Vec<u8>>> = None;
    let mut i = 0;
    while i < data.len() && !out.full() {
        let b = data.get(i).copied().unwrap_or(b' ');
        match b {
            b'%' => i = skip_line(data, i),
            b'(' => {
                let (s, next) = literal_string(data, i + 1);
                push_string(s, &mut stack, &mut array);
                i = next;
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'<' => {
                let (s, next) = hex_string(data, i + 1);
                push_string(s, &mut stack, &mut array);
                i = next;
            }
            b'[' => {
                array = Some(Vec::new());
                i += 1;
            }
            b']' => {
                if let Some(a) = array.take() {
                    push_operand(&mut stack, Operand::Array(a));
                }
                i += 1;
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => i = number(data, i, &mut stack, &mut array),
            b'/' => i = skip_name(data, i + 1),
            b'\'' | b'"' => {
                out.newline();
                show_last(&stack, out);
                stack.clear();
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'*' => {
                let end = word_end(data, i);
                operator(data.get(i..end).unwrap_or(&[]), &stack, out);
                stack.clear();
                i = end;
            }
            _ => i += 1,
        }
    }
    out.newline();
}

/// Caps the operand stack so garbage cannot grow it without bound.
fn push_operand(stack: &mut Vec<Operand>, op: Operand) {
    if stack.len() >= 64 {
        stack.remove(0);
    }
    stack.push(op);
}

/// A string goes into the open array, else onto the stack.
fn push_string(s: Vec<u8>, stack: &mut Vec<Operand>, array: &mut Option<Vec<Vec<u8>>>) {
    match array {
        Some(a) => a.push(s),
        None => push_operand(stack, Operand::Str(s)),
    }
}

/// Executes one operator that matters for text.
fn operator(op: &[u8], stack: &[Operand], out: &mut Output) {
    match op {
        b"Tj" => show_last(stack, out),
        b"TJ" => show_last(stack, out),
        b"T*" | b"ET" | b"BT" => out.newline(),
        b"Td" | b"TD" => {
            let ty = match stack {
                [.., Operand::Num(_), Operand::Num(y)] => *y,
                _ => 1.0,
            };
            if ty.abs() > 0.01 {
                out.newline();
            } else {
                out.push_str(" ");
            }
        }
        b"Tm" => out.newline(),
        _ => {}
    }
}

/// Shows the last string or array operand.
fn show_last(stack: &[Operand], out: &mut Output) {
    for op in stack.iter().rev() {
        match op {
            Operand::Str(s) => {
                out.push_str(&decode(s));
                return;
            }
            Operand::Array(parts) => {
                for p in parts {
                    out.push_str(&decode(p));
                }
                return;
            }
            Operand::Num(_) => {}
        }
    }
}

/// Parses a number; in a TJ array a large negative kerning becomes a space.
fn number(
    data: &[u8],
    i: usize,
    stack: &mut Vec<Operand>,
    array: &mut Option<Vec<Vec<u8>>>,
) -> usize {
    let mut end = i + 1;
    while data
        .get(end)
        .is_some_and(|c| c.is_ascii_digit() || *c == b'.')
    {
        end += 1;
    }
    let text = data.get(i..end).and_then(|s| std::str::from_utf8(s).ok());
    let value = text.and_then(|t| t.parse::<f64>().ok()).unwrap_or(0.0);
    match array {
        Some(a) if value < -200.0 => a.push(b" ".to_vec()),
        Some(_) => {}
        None => push_operand(stack, Operand::Num(value)),
    }
    end
}

/// End of an operator word.
fn word_end(data: &[u8], i: usize) -> usize {
    let mut end = i + 1;
    while data
        .get(end)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'*')
    {
        end += 1;
    }
    end
}

/// Skips a name (/F1).
fn skip_name(data: &[u8], mut i: usize) -> usize {
    while data.get(i).is_some_and(|c| {
        !c.is_ascii_whitespace() && !matches!(c, b'/' | b'(' | b'<' | b'[' | b']' | b'>')
    }) {
        i += 1;
    }
    i
}

/// Skips to the end of the line (comments).
fn skip_line(data: &[u8], mut i: usize) -> usize {
    while data.get(i).is_some_and(|c| *c != b'\n' && *c != b'\r') {
        i += 1;
    }
    i
}

/// Parses a literal string after its '(' : escapes, octal, nesting.
fn literal_string(data: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut depth = 1;
    while let Some(&c) = data.get(i) {
        i += 1;
        match c {
            b'\\' => i = escape(data, i, &mut out),
            b'(' => {
                depth += 1;
                out.push(c);
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    (out, i)
}

/// Decodes one backslash escape starting at `i` (after the backslash).
fn escape(data: &[u8], mut i: usize, out: &mut Vec<u8>) -> usize {
    let Some(&c) = data.get(i) else { return i };
    i += 1;
    match c {
        b'n' => out.push(b'\n'),
        b'r' => out.push(b'\r'),
        b't' => out.push(b'\t'),
        b'b' => out.push(8),
        b'f' => out.push(12),
        b'0'..=b'7' => {
            let mut v = u32::from(c - b'0');
            for _ in 0..2 {
                match data.get(i) {
                    Some(&d @ b'0'..=b'7') => {
                        v = v * 8 + u32::from(d - b'0');
                        i += 1;
                    }
                    _ => break,
                }
            }
            out.push((v & 0xFF) as u8);
        }
        b'\r' => {
            if data.get(i) == Some(&b'\n') {
                i += 1;
            }
        }
        b'\n' => {}
        other => out.push(other),
    }
    i
}

/// Parses a hex string after its '<'.
fn hex_string(data: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut high: Option<u8> = None;
    while let Some(&c) = data.get(i) {
        i += 1;
        if c == b'>' {
            break;
        }
        let Some(v) = (c as char).to_digit(16) else {
            continue;
        };
        let v = v as u8;
        match high.take() {
            Some(h) => out.push(h << 4 | v),
            None => high = Some(v),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    (out, i)
}

/// WinAnsi characters for bytes 0x80..=0x9F (others are Latin-1).
const WIN_ANSI: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// Decodes string bytes: UTF-16BE with BOM, else WinAnsi/Latin-1.
fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units = rest.chunks(2).map(|c| {
            u16::from_be_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        });
        return char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{FFFD}'))
            .collect();
    }
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => WIN_ANSI.get(usize::from(b - 0x80)).copied().unwrap_or(' '),
            b'\r' | b'\n' | b'\t' => ' ',
            _ => char::from(b),
        })
        .collect()
}
