//! `validate-json` on any text: it never panics and every finding points
//! into the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let report = flowzap::emit::validate_json::validate(text);
    for diagnostic in &report.diagnostics {
        let span = diagnostic.primary.span;
        assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
    }
});
