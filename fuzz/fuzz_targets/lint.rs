//! check → lint on any text that loads without errors. Oracles: the analysis
//! finishes, every finding points into the text, and the structure tree
//! prints in both forms.
#![no_main]

use flowzap::analysis::Options;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let loaded = flowzap::load(text);
    if loaded.has_errors() {
        return;
    }
    let options = Options { max_states: 2_000, ..Options::default() };
    let (analysis, findings) = flowzap::analysis::lint(&loaded.diagram, &options);
    for finding in &findings {
        assert!(finding.primary.span.end <= text.len(), "{finding:?}");
    }
    let _ = flowzap::analysis::structure_text(&loaded.diagram, &analysis.roles, &analysis.structure);
    let _ = flowzap::analysis::structure_json(&loaded.diagram, &analysis.structure);
});
