//! Language guess (interim version).

/// Language code.
pub fn detect_language(_text: &str) -> &'static str {
    "und"
}
