//! Any bytes through the front end and both report forms. Oracles: every
//! span lies on character boundaries of the text, findings are sorted, and
//! the human and JSON reports are produced.
#![no_main]

use flowzap::report::{render_human, to_json, SourceText, Style};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let loaded = flowzap::load(&text);
    for diagnostic in &loaded.diagnostics {
        for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
            let span = label.span;
            assert!(span.start <= span.end && span.end <= text.len(), "{span:?} outside the text");
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "{span:?} splits a character");
        }
    }
    assert!(loaded.diagnostics.windows(2).all(|pair| pair[0].primary.span.start <= pair[1].primary.span.start));
    let source = SourceText::new("fuzz.fz", text);
    let style = Style { color: false, unicode: true, width: 80 };
    let human = render_human(&source, &loaded.diagnostics, style);
    assert_eq!(human.is_empty(), loaded.diagnostics.is_empty());
    for diagnostic in &loaded.diagnostics {
        serde_json::to_string(&to_json(&source, diagnostic)).expect("a finding serialises");
    }
    let fixed = flowzap::diagnostics::apply_fixes(&source.text, &loaded.diagnostics);
    let _ = flowzap::load(&fixed);
});
