//! SVG elements written straight into text, for the parts of a picture that
//! grow with the diagram (one group per node and per edge).
//!
//! The svg crate builds each element as a hash map of owned strings, sorts
//! it and escapes every value through three `replace` calls when it is
//! printed; at 10,000 nodes that was half the time of `render`. These
//! writers produce exactly the crate's bytes (attributes in name order, the
//! same escapes, a line break around every child element and none around
//! text) without holding anything, so the small fixed parts of a picture
//! can stay svg crate elements and both kinds interleave in one file. A test
//! below holds the two to the same output.

/// An attribute value: text (escaped as it is written) or a coordinate
/// (written with at most one decimal).
#[derive(Clone, Copy)]
pub enum Value<'a> {
    /// Text, escaped.
    Text(&'a str),
    /// A number, rounded to tenths.
    Number(f32),
    /// Text flowzap composed itself from numbers and ASCII letters (path
    /// data, point lists), written as it is: never text from the file.
    Composed(&'a str),
}

/// Text being written as SVG.
pub struct Markup {
    /// Everything written so far.
    pub text: String,
}

impl Markup {
    /// An empty text with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Self { text: String::with_capacity(capacity) }
    }

    /// `<name a="…">`: an element whose children follow.
    pub fn open(&mut self, name: &str, attributes: &[(&str, Value<'_>)]) {
        self.start_tag(name, attributes);
        self.text.push('>');
    }

    /// `<name a="…"/>`: an element without children.
    pub fn empty(&mut self, name: &str, attributes: &[(&str, Value<'_>)]) {
        self.start_tag(name, attributes);
        self.text.push_str("/>");
    }

    /// `</name>`.
    pub fn close(&mut self, name: &str) {
        self.text.push_str("</");
        self.text.push_str(name);
        self.text.push('>');
    }

    /// `<name a="…">text</name>`: an element holding only text.
    pub fn leaf(&mut self, name: &str, attributes: &[(&str, Value<'_>)], content: &str) {
        self.open(name, attributes);
        push_escaped(&mut self.text, content, false);
        self.close(name);
    }

    /// `<text a="…">` holding only `content`: the svg crate writes a text
    /// element's children on lines of their own, text included.
    pub fn text_element(&mut self, attributes: &[(&str, Value<'_>)], content: &str) {
        self.open("text", attributes);
        self.newline();
        push_escaped(&mut self.text, content, false);
        self.newline();
        self.close("text");
    }

    /// A line break, as the svg crate writes one before and after each
    /// child element.
    pub fn newline(&mut self) {
        self.text.push('\n');
    }

    /// Text content, escaped, in an element left open.
    pub fn content(&mut self, content: &str) {
        push_escaped(&mut self.text, content, false);
    }

    fn start_tag(&mut self, name: &str, attributes: &[(&str, Value<'_>)]) {
        debug_assert!(
            attributes.windows(2).all(|pair| pair[0].0 < pair[1].0),
            "attributes of <{name}> must be written in name order, as the svg crate sorts them"
        );
        self.text.push('<');
        self.text.push_str(name);
        for (key, value) in attributes {
            self.text.push(' ');
            self.text.push_str(key);
            self.text.push_str("=\"");
            match value {
                Value::Text(text) => push_escaped(&mut self.text, text, true),
                Value::Number(number) => push_number(&mut self.text, *number),
                Value::Composed(text) => {
                    debug_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b" .,-".contains(&b)));
                    self.text.push_str(text);
                }
            }
            self.text.push('"');
        }
    }
}

/// Appends `value` with one decimal at most: files stay small and
/// byte-identical across runs, and integer formatting of tenths is many
/// times faster than float formatting.
pub fn push_number(out: &mut String, value: f32) {
    let tenths = (f64::from(value) * 10.0).round() as i64;
    let (whole, fraction) = (tenths / 10, (tenths % 10).unsigned_abs() as u8);
    if tenths < 0 && whole == 0 {
        out.push('-');
    }
    out.push_str(itoa::Buffer::new().format(whole));
    if fraction != 0 {
        out.push('.');
        out.push(char::from(b'0' + fraction));
    }
}

/// Appends `text` escaped for XML: markup characters as entities (quotes
/// too inside attributes, as the svg crate does), and the characters XML
/// cannot hold at all as U+FFFD, as [`crate::emit::xml_chars`] does for the
/// rest of the file.
fn push_escaped(out: &mut String, text: &str, in_attribute: bool) {
    let plain =
        |b: u8| !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'') && (b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r'));
    // Labels are mostly plain ASCII: copy those in one piece.
    if text.bytes().all(|b| b < 0x80 && plain(b)) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\'' if in_attribute => out.push_str("&apos;"),
            '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'.. => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Markup, Value};
    use svg::node::element::{Group, Rectangle, TSpan, Text, Title};

    const HOSTILE: &str = "a <b> & \"c\" 'd' \u{1}\u{FFFE} é ✓";

    fn crate_bytes(element: &impl std::fmt::Display) -> String {
        crate::emit::xml_chars(&element.to_string()).into_owned()
    }

    #[test]
    fn writes_the_svg_crates_bytes() {
        let expected = Group::new()
            .set("class", "node")
            .set("data-id", HOSTILE)
            .add(Title::new(HOSTILE))
            .add(Rectangle::new().set("class", "shape").set("height", "2.5").set("rx", 6).set("x", "-0.3"))
            .add(Text::new("").set("class", "node-label").add(TSpan::new(HOSTILE).set("x", "1").set("y", "2")))
            .add(Text::new("").set("class", "empty"))
            .add(Text::new(HOSTILE).set("class", "item"));
        let mut markup = Markup::with_capacity(0);
        markup.open("g", &[("class", Value::Text("node")), ("data-id", Value::Text(HOSTILE))]);
        markup.newline();
        markup.leaf("title", &[], HOSTILE);
        markup.newline();
        markup.empty(
            "rect",
            &[
                ("class", Value::Text("shape")),
                ("height", Value::Number(2.5)),
                ("rx", Value::Text("6")),
                ("x", Value::Number(-0.3)),
            ],
        );
        markup.newline();
        markup.open("text", &[("class", Value::Text("node-label"))]);
        markup.newline();
        markup.newline();
        markup.leaf("tspan", &[("x", Value::Number(1.0)), ("y", Value::Number(2.0))], HOSTILE);
        markup.newline();
        markup.close("text");
        markup.newline();
        markup.text_element(&[("class", Value::Text("empty"))], "");
        markup.newline();
        markup.text_element(&[("class", Value::Text("item"))], HOSTILE);
        markup.newline();
        markup.close("g");
        assert_eq!(markup.text, crate_bytes(&expected));
    }

    #[test]
    fn numbers_have_at_most_one_decimal() {
        let written = |value: f32| {
            let mut text = String::new();
            super::push_number(&mut text, value);
            text
        };
        assert_eq!(written(12.0), "12");
        assert_eq!(written(12.34), "12.3");
        assert_eq!(written(12.36), "12.4");
        assert_eq!(written(-0.3), "-0.3");
        assert_eq!(written(-2.5), "-2.5");
        assert_eq!(written(0.04), "0");
    }
}
