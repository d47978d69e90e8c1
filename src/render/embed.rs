//! A picture made to sit inline in an HTML page beside others: a page
//! shares one id space and one style sheet among all its SVGs, so each
//! picture's ids are prefixed with its own scope and its style rules apply
//! only under its root. Written on one line, so Markdown takes the picture
//! as one HTML block wherever the code block was (a list item, a quote).

use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::XmlVersion;

/// `svg`, one of flowzap's pictures, with its ids and style rules scoped
/// to `scope` (an XML name, unique on the page) and its newlines made
/// spaces, which XML attributes and SVG text treat alike.
pub fn scoped(svg: &str, scope: &str) -> Result<String, String> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(svg.len() + 1024));
    let mut in_style = false;
    let mut root = true;
    loop {
        let event = reader.read_event().map_err(|error| format!("cannot read the picture: {error}"))?;
        let rewritten = match event {
            Event::Eof => break,
            Event::Start(element) => {
                in_style = element.local_name().as_ref() == "style";
                Event::Start(scoped_element(&element, scope, std::mem::take(&mut root))?)
            }
            Event::Empty(element) => Event::Empty(scoped_element(&element, scope, std::mem::take(&mut root))?),
            Event::End(element) => {
                in_style = false;
                Event::End(element)
            }
            Event::Text(text) if in_style => {
                let raw = text.xml_content(XmlVersion::Implicit1_0);
                let css = quick_xml::escape::unescape(&raw)
                    .map_err(|error| format!("cannot read the style sheet: {error}"))?;
                let css = scoped_css(&css, scope);
                Event::Text(BytesText::from_escaped(quick_xml::escape::partial_escape(&css)).into_owned())
            }
            other => other,
        };
        writer.write_event(rewritten).map_err(|error| format!("cannot write the picture: {error}"))?;
    }
    let text = String::from_utf8(writer.into_inner()).map_err(|error| error.to_string())?;
    Ok(text.trim_end().replace('\n', " "))
}

/// `element` with its ids and references to them under `scope`; the root
/// also gets `scope` as its id, which the style rules select, and fits
/// the page's width.
fn scoped_element(element: &BytesStart<'_>, scope: &str, root: bool) -> Result<BytesStart<'static>, String> {
    let name = element.name().as_ref().to_owned();
    let mut rewritten = BytesStart::new(name);
    if root {
        rewritten.push_attribute(("id", scope));
        // Shrinks to the page's column and keeps its proportions (the
        // viewBox gives them); never grows past its own size.
        rewritten.push_attribute(("style", "max-width: 100%; height: auto"));
    }
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|error| format!("cannot read the picture: {error}"))?;
        let key = attribute.key.as_ref().to_owned();
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|error| format!("cannot read the picture: {error}"))?;
        let value = match key.as_str() {
            "id" => format!("{scope}-{value}"),
            "aria-labelledby" => {
                value.split_whitespace().map(|id| format!("{scope}-{id}")).collect::<Vec<_>>().join(" ")
            }
            "marker-end" | "marker-start" | "clip-path" | "fill" | "filter" | "mask" if value.starts_with("url(#") => {
                format!("url(#{scope}-{}", &value["url(#".len()..])
            }
            _ => value.into_owned(),
        };
        rewritten.push_attribute((key.as_str(), value.as_str()));
    }
    Ok(rewritten)
}

/// flowzap's own style sheet (one rule per line, at-rules opening a block
/// on their line and `}` closing it on its own) with every selector under
/// `#scope`.
fn scoped_css(css: &str, scope: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    for line in css.lines() {
        let trimmed = line.trim();
        match trimmed.split_once('{') {
            Some((selectors, body)) if !trimmed.starts_with('@') => {
                let selectors: Vec<String> =
                    selectors.split(',').map(|selector| format!("#{scope} {}", selector.trim())).collect();
                out.push_str(&selectors.join(", "));
                out.push_str(" {");
                out.push_str(body);
            }
            _ => out.push_str(trimmed),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_scoped_and_at_rules_are_kept() {
        let css = "\ntext { fill: #000; }\n.a, .b.c { x: y; }\n@media (prefers-color-scheme: dark) {\n.a { fill: #fff; }\n}\n";
        assert_eq!(
            scoped_css(css, "d1"),
            "\n#d1 text { fill: #000; }\n#d1 .a, #d1 .b.c { x: y; }\n@media (prefers-color-scheme: dark) {\n#d1 .a { fill: #fff; }\n}\n"
        );
    }

    #[test]
    fn ids_and_their_references_are_scoped_and_text_is_kept() {
        let svg = "<svg aria-labelledby=\"t\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"t\">a &lt; b &amp; \"c\"</title>\n<style>\n.x { fill: red; }\n</style>\n<path marker-end=\"url(#arrowhead)\" aria-label=\"url(#arrowhead)\"/>\n</svg>\n";
        let scoped = scoped(svg, "fz-1").expect("scoped");
        assert_eq!(
            scoped,
            "<svg id=\"fz-1\" style=\"max-width: 100%; height: auto\" aria-labelledby=\"fz-1-t\" xmlns=\"http://www.w3.org/2000/svg\"> <title id=\"fz-1-t\">a &lt; b &amp; \"c\"</title> <style> #fz-1 .x { fill: red; } </style> <path marker-end=\"url(#fz-1-arrowhead)\" aria-label=\"url(#arrowhead)\"/> </svg>"
        );
    }
}
