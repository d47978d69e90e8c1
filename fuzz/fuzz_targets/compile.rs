//! Every target from any text. Oracles: compiled SimWorkflow JSON passes our
//! own `validate-json` without an error, ASL is JSON with `StartAt` and
//! `States`, BPMN is well-formed XML; and the targets agree on refusing.
#![no_main]

use flowzap::{CompileOptions, Document, Target};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let document = Document::new(text);
    let options = CompileOptions { name: "fuzz".to_owned(), ..CompileOptions::default() };
    let json = document.compile(Target::WorkflowJson, &options);
    if let Ok(compiled) = &json {
        let report = flowzap::emit::validate_json::validate(&compiled.text);
        let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "compiled JSON fails validate-json: {errors:?}\n{}", compiled.text);
    }
    let asl = document.compile(Target::Asl, &options);
    assert_eq!(json.is_ok(), asl.is_ok(), "JSON and ASL disagree on compiling");
    if let Ok(compiled) = asl {
        let value: serde_json::Value = serde_json::from_str(&compiled.text).expect("ASL is JSON");
        assert!(value.get("StartAt").is_some() && value.get("States").is_some(), "{}", compiled.text);
    }
    if let Ok(compiled) = document.compile(Target::Bpmn, &options) {
        if let Err(error) = roxmltree::Document::parse(&compiled.text) {
            panic!("BPMN is not XML: {error}\n{}", compiled.text);
        }
    }
});
