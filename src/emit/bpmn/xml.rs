//! The BPMN 2.0 XML of a compiled process and its diagram interchange,
//! written with quick-xml: the semantic part in the schema's element order,
//! then one `BPMNDiagram` whose plane shows the collaboration (pool, lanes,
//! every element and flow).

use std::borrow::Cow;
use std::io::Cursor;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::Writer;

use super::di::Di;
use super::{Condition, ElementKind, Engine, Process};
use crate::layout::{Point, Rect};

const BPMN_MODEL: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
const BPMN_DI: &str = "http://www.omg.org/spec/BPMN/20100524/DI";
const DC: &str = "http://www.omg.org/spec/DD/20100524/DC";
const DI: &str = "http://www.omg.org/spec/DD/20100524/DI";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const CAMUNDA: &str = "http://camunda.org/schema/1.0/bpmn";
const ZEEBE: &str = "http://camunda.org/schema/zeebe/1.0";
const MODELER: &str = "http://camunda.org/schema/modeler/1.0";

/// Camunda 7 refuses to deploy a process without a history time to live
/// (since 7.20); 180 days is the value Camunda Modeler proposes.
const HISTORY_TIME_TO_LIVE_DAYS: &str = "180";
/// The oldest platform versions whose features the output needs (Zeebe
/// user tasks came in 8.5), declared so that Camunda Modeler and bpmnlint's
/// camunda-compat rules check the file against the right engine.
const CAMUNDA7_VERSION: &str = "7.22.0";
const CAMUNDA8_VERSION: &str = "8.6.0";

const COLLABORATION: &str = "Collaboration_1";
const PARTICIPANT: &str = "Participant_1";
const PROCESS: &str = "Process_1";

/// Writing to a `Vec` cannot fail; quick-xml's I/O errors cannot happen here.
struct Out {
    writer: Writer<Cursor<Vec<u8>>>,
}

impl Out {
    fn event(&mut self, event: Event<'_>) {
        let _infallible = self.writer.write_event(event);
    }

    fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.event(Event::Start(start(name, attributes)));
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.event(Event::Empty(start(name, attributes)));
    }

    fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name.to_owned())));
    }

    fn text_element(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.open(name, attributes);
        let text = crate::emit::xml_chars(text);
        self.event(Event::Text(BytesText::new(&text)));
        self.close(name);
    }
}

fn start<'a>(name: &'a str, attributes: &[(&'a str, &str)]) -> BytesStart<'a> {
    let mut element = BytesStart::new(name);
    for &(key, value) in attributes {
        element.push_attribute(Attribute { key: QName(key), value: Cow::Owned(attribute_value(value)) });
    }
    element
}

/// An escaped attribute value. Line breaks and tabs are written as
/// character references, which survive attribute-value normalisation.
fn attribute_value(value: &str) -> String {
    let value = crate::emit::xml_chars(value);
    quick_xml::escape::escape(value.as_ref()).replace('\n', "&#10;").replace('\t', "&#9;")
}

fn number(value: f32) -> String {
    let rounded = value.round();
    if rounded == 0.0 {
        "0".to_owned()
    } else {
        format!("{rounded}")
    }
}

/// The BPMN 2.0 XML of `process` drawn as `di`, with the conditions and extensions `engine` reads.
pub fn to_string(process: &Process, di: &Di, engine: Engine) -> String {
    let mut out = Out { writer: Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2) };
    out.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let version = env!("CARGO_PKG_VERSION");
    let mut definitions =
        vec![("xmlns", BPMN_MODEL), ("xmlns:bpmndi", BPMN_DI), ("xmlns:dc", DC), ("xmlns:di", DI), ("xmlns:xsi", XSI)];
    match engine {
        Engine::Camunda7 => definitions.extend([
            ("xmlns:camunda", CAMUNDA),
            ("xmlns:modeler", MODELER),
            ("modeler:executionPlatform", "Camunda Platform"),
            ("modeler:executionPlatformVersion", CAMUNDA7_VERSION),
        ]),
        Engine::Camunda8 => definitions.extend([
            ("xmlns:zeebe", ZEEBE),
            ("xmlns:modeler", MODELER),
            ("modeler:executionPlatform", "Camunda Cloud"),
            ("modeler:executionPlatformVersion", CAMUNDA8_VERSION),
        ]),
        Engine::Spiff | Engine::BpmnEngine => {}
    }
    definitions.extend([
        ("id", "Definitions_1"),
        ("targetNamespace", "https://flowzap.xyz/bpmn"),
        ("exporter", "flowzap"),
        ("exporterVersion", version),
    ]);
    out.open("definitions", &definitions);
    out.open("collaboration", &[("id", COLLABORATION)]);
    out.empty("participant", &[("id", PARTICIPANT), ("name", &process.name), ("processRef", PROCESS)]);
    out.close("collaboration");

    let mut attributes = vec![("id", PROCESS), ("name", process.name.as_str()), ("isExecutable", "true")];
    if engine == Engine::Camunda7 {
        attributes.push(("camunda:historyTimeToLive", HISTORY_TIME_TO_LIVE_DAYS));
    }
    out.open("process", &attributes);
    semantic(&mut out, process, engine);
    out.close("process");

    out.open("bpmndi:BPMNDiagram", &[("id", "BPMNDiagram_1")]);
    out.open("bpmndi:BPMNPlane", &[("id", "BPMNPlane_1"), ("bpmnElement", COLLABORATION)]);
    interchange(&mut out, process, di);
    out.close("bpmndi:BPMNPlane");
    out.close("bpmndi:BPMNDiagram");
    out.close("definitions");

    let mut text = String::from_utf8_lossy(&out.writer.into_inner().into_inner()).into_owned();
    text.push('\n');
    text
}

fn semantic(out: &mut Out, process: &Process, engine: Engine) {
    if !process.lanes.is_empty() {
        out.open("laneSet", &[("id", "LaneSet_1")]);
        for lane in &process.lanes {
            if lane.members.is_empty() {
                out.empty("lane", &[("id", &lane.id), ("name", &lane.name)]);
                continue;
            }
            out.open("lane", &[("id", &lane.id), ("name", &lane.name)]);
            for &member in &lane.members {
                out.text_element("flowNodeRef", &[], &process.elements[member].id);
            }
            out.close("lane");
        }
        out.close("laneSet");
    }
    for element in &process.elements {
        let tag = element.kind.tag();
        let mut attributes: Vec<(&str, &str)> = vec![("id", &element.id)];
        if let Some(name) = &element.name {
            attributes.push(("name", name));
        }
        if element.kind == ElementKind::ExclusiveGateway {
            let direction = match (element.incoming.len() > 1, element.outgoing.len() > 1) {
                (true, false) => "Converging",
                (false, true) => "Diverging",
                (true, true) => "Mixed",
                (false, false) => "Unspecified",
            };
            attributes.push(("gatewayDirection", direction));
        } else if element.kind == ElementKind::ParallelGateway {
            let direction = if element.incoming.len() > 1 { "Converging" } else { "Diverging" };
            attributes.push(("gatewayDirection", direction));
        }
        if let Some(default) = element.default {
            attributes.push(("default", &process.flows[default].id));
        }
        // A user task is offered to the group its lane stands for.
        let group = process.lanes.get(element.lane).map(|lane| lane.key.as_str());
        let user_task = element.kind == ElementKind::UserTask;
        if let (true, Engine::Camunda7, Some(group)) = (user_task, engine, group) {
            attributes.push(("camunda:candidateGroups", group));
        }
        out.open(tag, &attributes);
        if let Some(documentation) = &element.documentation {
            out.text_element("documentation", &[], documentation);
        }
        if user_task && engine == Engine::Camunda8 {
            // A Camunda user task (completed through Tasklist or the API)
            // rather than a job for a worker nobody wrote.
            out.open("extensionElements", &[]);
            out.empty("zeebe:userTask", &[]);
            if let Some(group) = group {
                out.empty("zeebe:assignmentDefinition", &[("candidateGroups", group)]);
            }
            out.close("extensionElements");
        }
        for &flow in &element.incoming {
            out.text_element("incoming", &[], &process.flows[flow].id);
        }
        for &flow in &element.outgoing {
            out.text_element("outgoing", &[], &process.flows[flow].id);
        }
        out.close(tag);
    }
    for flow in &process.flows {
        let mut attributes: Vec<(&str, &str)> = vec![("id", &flow.id)];
        if let Some(name) = flow.name.as_deref().filter(|name| !name.is_empty()) {
            attributes.push(("name", name));
        }
        attributes.push(("sourceRef", &process.elements[flow.source].id));
        attributes.push(("targetRef", &process.elements[flow.target].id));
        match &flow.condition {
            Some(condition) => {
                out.open("sequenceFlow", &attributes);
                let mut expression = vec![("xsi:type", "tFormalExpression")];
                if engine == Engine::BpmnEngine {
                    expression.push(("language", "javascript"));
                }
                out.text_element("conditionExpression", &expression, &condition_text(condition, engine));
                out.close("sequenceFlow");
            }
            None => out.empty("sequenceFlow", &attributes),
        }
    }
}

/// A condition in the expression language of `engine`.
fn condition_text(condition: &Condition, engine: Engine) -> String {
    let Condition { variable, value } = condition;
    match engine {
        Engine::Spiff => format!("{variable} == {}", crate::emit::string_literal(value)),
        Engine::BpmnEngine => {
            format!("next(null, environment.variables.{variable} === {});", crate::emit::string_literal(value))
        }
        Engine::Camunda7 => format!("${{{variable} == {}}}", juel_string(value)),
        Engine::Camunda8 => format!("={variable} = {}", feel_string(value)),
    }
}

/// A JUEL string literal: only the quote and the backslash are escaped
/// (JUEL knows no other escape; any other character stands for itself).
fn juel_string(text: &str) -> String {
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            literal.push('\\');
        }
        literal.push(c);
    }
    literal.push('"');
    literal
}

/// A FEEL string literal, with FEEL's escapes for quote, backslash and
/// line breaks.
fn feel_string(text: &str) -> String {
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push('"');
    for c in text.chars() {
        match c {
            '"' => literal.push_str("\\\""),
            '\\' => literal.push_str("\\\\"),
            '\n' => literal.push_str("\\n"),
            '\r' => literal.push_str("\\r"),
            '\t' => literal.push_str("\\t"),
            c => literal.push(c),
        }
    }
    literal.push('"');
    literal
}

fn bounds(out: &mut Out, rect: Rect) {
    let (x, y, width, height) = (number(rect.x), number(rect.y), number(rect.width), number(rect.height));
    out.empty("dc:Bounds", &[("x", &x), ("y", &y), ("width", &width), ("height", &height)]);
}

fn label(out: &mut Out, rect: Option<Rect>) {
    if let Some(rect) = rect {
        out.open("bpmndi:BPMNLabel", &[]);
        bounds(out, rect);
        out.close("bpmndi:BPMNLabel");
    }
}

fn interchange(out: &mut Out, process: &Process, di: &Di) {
    let shape =
        |out: &mut Out, (id, element): (&str, &str), extra: &[(&str, &str)], rect: Rect, label_rect: Option<Rect>| {
            let mut attributes = vec![("id", id), ("bpmnElement", element)];
            attributes.extend_from_slice(extra);
            out.open("bpmndi:BPMNShape", &attributes);
            bounds(out, rect);
            label(out, label_rect);
            out.close("bpmndi:BPMNShape");
        };
    shape(out, (&process.participant_di_id, PARTICIPANT), &[("isHorizontal", "true")], di.participant, None);
    for (lane, rect) in process.lanes.iter().zip(&di.lanes) {
        shape(out, (&lane.di_id, &lane.id), &[("isHorizontal", "true")], *rect, None);
    }
    for (element, placed) in process.elements.iter().zip(&di.shapes) {
        let extra: &[(&str, &str)] =
            if element.kind == ElementKind::ExclusiveGateway { &[("isMarkerVisible", "true")] } else { &[] };
        shape(out, (&element.di_id, &element.id), extra, placed.bounds, placed.label);
    }
    for (flow, placed) in process.flows.iter().zip(&di.edges) {
        out.open("bpmndi:BPMNEdge", &[("id", &flow.di_id), ("bpmnElement", &flow.id)]);
        for &Point { x, y } in &placed.waypoints {
            out.empty("di:waypoint", &[("x", &number(x)), ("y", &number(y))]);
        }
        if flow.name.as_deref().is_some_and(|name| !name.is_empty()) {
            label(out, placed.label);
        }
        out.close("bpmndi:BPMNEdge");
    }
}
