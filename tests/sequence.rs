//! The sequence view: every fixture and generated diagrams drawn in both
//! message orders and read back by tests/common/sequence_quality.rs (no text
//! on text, no label crossed by a message or a frame's line, every frame
//! enclosing exactly its messages, frames nested or apart), snapshots of
//! every fixture, and the command line.

mod common;

use common::sequence_quality::{faults, read};
use common::{fixture_files, fixtures_dir, flowzap};
use flowzap::{SequenceOrder, Theme};

fn check(name: &str, document: &flowzap::Document, order: SequenceOrder) -> common::sequence_quality::Picture {
    let svg = document.sequence_svg(Theme::Light, order).expect("a valid diagram draws");
    let picture = read(&svg);
    let found = faults(&picture);
    assert!(found.is_empty(), "{name} ({order:?}):\n{}", found.join("\n"));
    picture
}

#[test]
fn every_fixture_draws_a_clean_sequence_view() {
    for kind in ["valid", "lint"] {
        for (name, path) in fixture_files(kind) {
            let document = flowzap::Document::new(std::fs::read_to_string(&path).expect("fixture"));
            for order in [SequenceOrder::File, SequenceOrder::Flow] {
                let picture = check(&name, &document, order);
                assert_eq!(picture.messages.len(), document.diagram().edges().len(), "{name}: one message per edge");
            }
        }
    }
}

#[test]
fn generated_diagrams_draw_clean_sequence_views() {
    for text in [
        flowzap::synth::swimlane_text(100, 5, 42),
        flowzap::synth::swimlane_text(1_000, 20, 7),
        flowzap::synth::parallel_text(300, 6, 3),
    ] {
        let document = flowzap::Document::new(text);
        for order in [SequenceOrder::File, SequenceOrder::Flow] {
            check("generated", &document, order);
        }
    }
}

#[test]
fn sequence_view_snapshots() {
    insta::glob!("../fixtures", "valid/*.fz", |path| {
        let document = flowzap::Document::new(std::fs::read_to_string(path).expect("fixture"));
        let svg = document.sequence_svg(Theme::Light, SequenceOrder::File).expect("draws");
        insta::assert_snapshot!("sequence", svg);
    });
}

/// Frames come from the analysis and nest: an `alt` holding a `par`
/// holding a `loop`; messages of a branch stay in its compartment; replies
/// are dashed with an activation on the callee.
#[test]
fn frames_nest_as_the_structure_does() {
    let text = std::fs::read_to_string(fixtures_dir().join("valid/nested_frames.fz")).expect("fixture");
    let document = flowzap::Document::new(text);
    let svg = document.sequence_svg(Theme::Light, SequenceOrder::Flow).expect("draws");
    let parsed = roxmltree::Document::parse(&svg).expect("xml");
    let frames: Vec<(String, String)> = parsed
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class").is_some_and(|c| c.starts_with("frame ")))
        .map(|n| {
            let title = n.children().find(|c| c.has_tag_name("title")).and_then(|t| t.text()).unwrap_or_default();
            (title.to_owned(), n.attribute("data-messages").unwrap_or_default().to_owned())
        })
        .collect();
    let titles: Vec<&str> = frames.iter().map(|(title, _)| title.as_str()).collect();
    assert_eq!(titles, ["loop [until the price is final]", "alt", "par", "loop [until the card is accepted]"]);
    let picture = read(&svg);
    let rect = |title: &str| {
        let index = frames.iter().position(|(t, _)| t == title).expect("frame");
        picture.frames[index].rect
    };
    let (alt, par, card) = (rect("alt"), rect("par"), rect("loop [until the card is accepted]"));
    assert!(alt.x < par.x && par.x < card.x && card.y + card.h < par.y + par.h && par.y + par.h < alt.y + alt.h);
    // The guards of the decision's outcomes.
    assert!(svg.contains(">[Yes]<") && svg.contains(">[No]<"));
    // GET /quote is answered by "price": dashed, with a bar on the pricing lifeline.
    let price = parsed
        .descendants()
        .find(|n| {
            n.has_tag_name("g")
                && n.children().any(|c| c.has_tag_name("title") && c.text().is_some_and(|t| t.ends_with(": price")))
        })
        .expect("the price message");
    assert_eq!(price.attribute("class"), Some("message reply"));
    assert_eq!((price.attribute("data-from"), price.attribute("data-to")), (Some("pricing"), Some("shop")));
    assert!(parsed
        .descendants()
        .any(|n| n.attribute("class") == Some("activation") && n.attribute("data-lane") == Some("pricing")));
}

/// File order is the vendor's reading; flow order follows the process.
#[test]
fn message_order_follows_the_file_or_the_flow() {
    let text = std::fs::read_to_string(fixtures_dir().join("valid/nested_frames.fz")).expect("fixture");
    let document = flowzap::Document::new(text);
    // The kind of the frame drawn highest.
    let first_frame = |order| {
        let svg = document.sequence_svg(Theme::Light, order).expect("draws");
        let picture = read(&svg);
        let top = picture.frames.iter().min_by(|a, b| a.rect.y.total_cmp(&b.rect.y)).expect("frames").index;
        let parsed = roxmltree::Document::parse(&svg).expect("xml");
        let kind = parsed
            .descendants()
            .find(|n| n.attribute("data-frame") == Some(top.to_string().as_str()))
            .and_then(|n| n.attribute("data-kind"))
            .map(str::to_owned);
        kind
    };
    assert_eq!(first_frame(SequenceOrder::File).as_deref(), Some("alt"));
    assert_eq!(first_frame(SequenceOrder::Flow).as_deref(), Some("loop"));
}

#[test]
fn render_view_sequence_writes_svg_and_png() {
    let dir = tempfile::tempdir().expect("temp");
    let fixture = fixtures_dir().join("valid/insurance_claim.fz");
    let svg = dir.path().join("claim.svg");
    let png = dir.path().join("claim.png");
    flowzap(dir.path()).arg("render").arg(&fixture).args(["--view", "sequence", "-o"]).arg(&svg).assert().success();
    flowzap(dir.path())
        .arg("render")
        .arg(&fixture)
        .args(["--view", "sequence", "--order", "flow", "--theme", "dark", "-o"])
        .arg(&png)
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).expect("written");
    assert!(text.contains("class=\"flowzap sequence theme-light\""));
    assert!(text.contains("<g class=\"participant\" data-lane=\"customer\">"));
    assert!(text.contains("<g class=\"message self\" data-edge=\"0\""));
    assert!(text.contains("<g class=\"message\" data-edge=\"1\""));
    assert_eq!(&std::fs::read(&png).expect("written")[..8], b"\x89PNG\r\n\x1a\n");
    // Deterministic, and from standard input alike.
    let again = flowzap(dir.path())
        .args(["render", "-", "--view", "sequence"])
        .write_stdin(std::fs::read_to_string(&fixture).expect("fixture"))
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&again.stdout), text);
}

#[test]
fn user_text_is_escaped_in_the_sequence_view() {
    let text = "a { # <A> & \"co\"\nn1: rectangle label:\"x\"\nn1.handle(bottom) -> b.n2.handle(top) [label=\"</text><script>y</script>\"]\n}\nb { # B\nn2: rectangle label:\"a < b\"\n}\n";
    let output =
        flowzap(&fixtures_dir()).args(["render", "-", "--view", "sequence"]).write_stdin(text).output().expect("runs");
    assert!(output.status.success());
    let svg = String::from_utf8_lossy(&output.stdout);
    assert!(!svg.contains("<script>") && !svg.contains("<A>"), "{svg}");
    roxmltree::Document::parse(&svg).expect("well-formed");
}

/// The checker itself: a frame that claims a message it does not enclose,
/// and a label moved onto another, are both caught.
#[test]
fn the_checker_sees_what_is_wrong() {
    let text = std::fs::read_to_string(fixtures_dir().join("valid/nested_frames.fz")).expect("fixture");
    let document = flowzap::Document::new(text);
    let svg = document.sequence_svg(Theme::Light, SequenceOrder::Flow).expect("draws");
    let mut picture = read(&svg);
    assert!(faults(&picture).is_empty());
    let stranger = picture
        .messages
        .iter()
        .map(|m| m.edge)
        .find(|e| !picture.frames[0].messages.contains(e))
        .expect("a message outside frame 0");
    picture.frames[0].messages.push(stranger);
    assert!(faults(&picture).iter().any(|f| f.contains("does not enclose")), "{:?}", faults(&picture));
    let mut picture = read(&svg);
    let moved = picture.texts[1].1;
    picture.texts[0].1 = moved;
    assert!(faults(&picture).iter().any(|f| f.contains("overlaps")));
}

#[test]
fn lint_sequence_turns_on_the_sequence_rules() {
    let dir = fixtures_dir();
    let plain = flowzap(&dir).args(["lint", "valid/nested_frames.fz"]).output().expect("runs");
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("W030"));
    let sequence = flowzap(&dir).args(["lint", "--sequence", "valid/nested_frames.fz"]).output().expect("runs");
    let report = String::from_utf8_lossy(&sequence.stdout);
    assert!(report.contains("W030") && report.contains("has no reply before this message"), "{report}");
    assert!(sequence.status.success(), "warnings only");
    // The user's own word on W030 wins.
    let denied = flowzap(&dir)
        .args(["lint", "--sequence", "--deny", "ping-pong", "valid/nested_frames.fz"])
        .output()
        .expect("runs");
    assert!(!denied.status.success());
    let allowed = flowzap(&dir)
        .args(["lint", "--sequence", "--allow", "ping-pong", "valid/nested_frames.fz"])
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&allowed.stdout).contains("W030"));
}
