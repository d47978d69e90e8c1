//! Quoted strings: `\"` and `\\` are escapes, any other backslash is text.
//! The vendor's editor reads no escapes at all, so the writer escapes only
//! where it must, keeping ordinary text (`C:\temp`) readable by both.

/// The value of a string's inner text as the grammar matched it.
pub fn unescape(inner: &str) -> std::borrow::Cow<'_, str> {
    if !inner.contains('\\') {
        return std::borrow::Cow::Borrowed(inner);
    }
    let mut value = String::with_capacity(inner.len());
    let mut characters = inner.chars().peekable();
    while let Some(character) = characters.next() {
        if character == '\\' {
            if let Some(&next @ ('"' | '\\')) = characters.peek() {
                value.push(next);
                characters.next();
                continue;
            }
        }
        value.push(character);
    }
    std::borrow::Cow::Owned(value)
}

/// The inner text to write between quotes so that [`unescape`] gives `value` back.
pub fn escape(value: &str) -> String {
    let mut inner = String::with_capacity(value.len() + 2);
    let mut characters = value.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '"' => inner.push_str("\\\""),
            // A backslash is text unless it precedes `"`, `\` or the closing quote.
            '\\' if matches!(characters.peek(), None | Some('"') | Some('\\')) => inner.push_str("\\\\"),
            other => inner.push(other),
        }
    }
    inner
}

/// `"value"` with the escapes it needs.
pub fn quote(value: &str) -> String {
    format!("\"{}\"", escape(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        for value in ["plain", "say \"hi\"", r"C:\temp", r"ends\", r"two\\", r#"\""#, ""] {
            assert_eq!(unescape(&escape(value)), value, "{value:?}");
        }
        assert_eq!(escape(r"C:\temp"), r"C:\temp");
        assert_eq!(unescape(r#"a\"b\\c\d"#), r#"a"b\c\d"#);
    }
}
