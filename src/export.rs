//! Deals for the rest of the company's tools: CSV (UTF-8 with a BOM, so spreadsheets read the
//! accents; ISO dates; `.`-decimal amounts) and JSON, one row per deal, in the columns the
//! README maps onto HubSpot's and Pipedrive's deal imports.

use serde::Serialize;

use crate::ops::Listed;

/// The CSV header, in order (documented in the README).
pub const COLUMNS: &[&str] = &[
    "id",
    "title",
    "state",
    "amount",
    "currency",
    "customer",
    "contacts",
    "quote_ref",
    "created",
    "last_activity",
    "state_changed",
    "revisit_on",
    "proposal",
    "evidence",
];

/// One exported deal.
#[derive(Debug, Serialize)]
pub struct Row {
    /// dealwatch's id.
    pub id: i64,
    /// The deal's title (the quote's subject).
    pub title: String,
    /// The recorded state: open, on_hold, won, lost, vanished.
    pub state: String,
    /// The quote's total, two decimals with a `.`.
    pub amount: Option<String>,
    /// ISO 4217.
    pub currency: Option<String>,
    /// The customer organisation.
    pub customer: String,
    /// Contact addresses, `;`-separated.
    pub contacts: String,
    /// Our quote reference.
    pub quote_ref: Option<String>,
    /// First message, YYYY-MM-DD.
    pub created: String,
    /// Last message either way, YYYY-MM-DD.
    pub last_activity: String,
    /// Last state change, YYYY-MM-DD.
    pub state_changed: Option<String>,
    /// When an on-hold deal comes back, YYYY-MM-DD.
    pub revisit_on: Option<String>,
    /// The state dealwatch proposes and you have not decided yet.
    pub proposal: Option<String>,
    /// The sentence behind the proposal.
    pub evidence: Option<String>,
}

fn day(s: &str) -> String {
    s.get(..10).unwrap_or(s).to_string()
}

impl From<&Listed> for Row {
    fn from(l: &Listed) -> Row {
        let o = &l.opp;
        let last = [&o.last_inbound_at, &o.last_outbound_at]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(&o.first_seen);
        Row {
            id: o.id,
            title: o.title.clone(),
            state: o.state.clone(),
            amount: o
                .amount
                .filter(|a| a.is_finite())
                .map(|a| format!("{a:.2}")),
            currency: o.currency.clone(),
            customer: o.customer.clone(),
            contacts: o.contacts.join(";"),
            quote_ref: o.quote_ref.clone(),
            created: day(&o.first_seen),
            last_activity: day(last),
            state_changed: o.state_changed_at.as_deref().map(day),
            revisit_on: o.revisit_on.clone(),
            proposal: l.proposal.as_ref().map(|p| p.state.as_str().to_string()),
            evidence: l.proposal.as_ref().and_then(|p| p.evidence.clone()),
        }
    }
}

impl Row {
    fn fields(&self) -> Vec<String> {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            self.id.to_string(),
            self.title.clone(),
            self.state.clone(),
            o(&self.amount),
            o(&self.currency),
            self.customer.clone(),
            self.contacts.clone(),
            o(&self.quote_ref),
            self.created.clone(),
            self.last_activity.clone(),
            o(&self.state_changed),
            o(&self.revisit_on),
            o(&self.proposal),
            o(&self.evidence),
        ]
    }
}

/// One CSV field (RFC 4180). A text that a spreadsheet would run as a formula (`=`, `+`, `-`,
/// `@` first) is prefixed with `'`: a customer's subject must not become a formula.
fn field(s: &str, text: bool) -> String {
    let s = if text && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The CSV document: BOM, header, one line per deal, CRLF line ends.
pub fn csv(rows: &[Row]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&COLUMNS.join(","));
    out.push_str("\r\n");
    for r in rows {
        let line: Vec<String> = r
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| field(f, !matches!(i, 0 | 3)))
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The JSON document: an array of rows.
pub fn json(rows: &[Row]) -> String {
    serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain", true), "plain");
        assert_eq!(field("a,b", true), "\"a,b\"");
        assert_eq!(field("say \"hi\"", true), "\"say \"\"hi\"\"\"");
        assert_eq!(
            field("=HYPERLINK(\"x\")", true),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(field("-12.50", false), "-12.50");
    }
}
