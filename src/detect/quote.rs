//! Quotes, amounts, references (interim version; replaced by the full detector).

/// Tax basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Net.
    Net,
    /// Gross.
    Gross,
    /// Unknown.
    Unknown,
}
/// Money.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    /// Value.
    pub value: f64,
    /// ISO code.
    pub currency: &'static str,
    /// Basis.
    pub basis: Basis,
    /// Offset.
    pub offset: usize,
}
/// Amounts.
pub fn find_amounts(_text: &str) -> Vec<Money> {
    Vec::new()
}
/// Quote amount.
pub fn quote_amount(_text: &str) -> Option<Money> {
    None
}
/// Refs.
pub fn find_quote_refs(_text: &str) -> Vec<String> {
    Vec::new()
}
/// PO numbers.
pub fn po_numbers(_text: &str) -> Vec<String> {
    Vec::new()
}
/// Quote attachment.
pub fn is_quote_attachment(name: &str) -> bool {
    name.to_lowercase().contains("devis")
}
/// Presents a quote.
pub fn presents_quote(_text: &str) -> Option<String> {
    None
}
/// Asks for a quote.
pub fn asks_for_quote(_text: &str) -> Option<String> {
    None
}
