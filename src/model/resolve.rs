//! From syntax tree to [`Diagram`]: names are resolved only after the whole
//! file is read (an edge may use a node declared further down), every
//! tolerated form earns its warning, and every reference that cannot be
//! resolved earns an error instead of silently vanishing.

use std::collections::{HashMap, HashSet};

use compact_str::CompactString;
use petgraph::graph::NodeIndex;

use super::diagram::*;
use crate::diagnostics::{closest, Code, Diagnostic};
use crate::syntax::ast::{self, AttrValue, Item, Separator, Spanned, Statement};
use crate::syntax::strings::quote;
use crate::syntax::Span;

/// A statement together with the lane block it was written in.
struct Placed<'a, T> {
    statement: &'a T,
    written_in: Option<LaneId>,
}

struct Resolver<'a> {
    diagram: Diagram,
    diagnostics: Vec<Diagnostic>,
    /// Ids declared with an unusable shape or outside a lane: known names, so
    /// edges using them do not add "no such node" errors on top.
    unusable_ids: HashSet<&'a str>,
    /// Where each id was first declared, for duplicate reports.
    first_declaration: HashMap<&'a str, Span>,
    /// Nodes named by some edge statement, resolvable or not.
    mentioned_by_edges: HashSet<&'a str>,
    /// "Did you mean" searches over every node or lane still allowed: each
    /// costs a pass over the diagram, so a file of thousands of bad
    /// references gets suggestions for the first ones only.
    searches_left: usize,
    /// No `nK` with K below this is free.
    free_ids_from: usize,
}

/// Suggestions searched over all nodes or lanes per file.
const SEARCHES_PER_FILE: usize = 200;

/// Resolves a syntax tree into a diagram, with every error and tolerated-form warning; what cannot
/// be resolved is left out and reported.
pub fn resolve(file: &ast::SourceFile) -> (Diagram, Vec<Diagnostic>) {
    let mut resolver = Resolver {
        diagram: Diagram::new(),
        diagnostics: Vec::new(),
        unusable_ids: HashSet::new(),
        first_declaration: HashMap::new(),
        mentioned_by_edges: HashSet::new(),
        searches_left: SEARCHES_PER_FILE,
        free_ids_from: 1,
    };

    resolver.unusable_ids.extend(file.unreadable_node_ids.iter().map(String::as_str));
    let mut edges = Vec::new();
    let mut loops = Vec::new();
    let mut lane_of_block: Vec<(LaneId, &ast::LaneBlock)> = Vec::new();

    // Pass 1: lanes and nodes, so that pass 2 can resolve references anywhere.
    for item in &file.items {
        match item {
            Item::Lane(block) => {
                let lane = resolver.lane(block);
                lane_of_block.push((lane, block));
                for statement in &block.statements {
                    resolver.statement(statement, Some(lane), &mut edges, &mut loops);
                }
            }
            Item::Statement(statement) => resolver.statement(statement, None, &mut edges, &mut loops),
        }
    }

    for edge in &edges {
        resolver.edge(edge);
    }
    for stmt in &loops {
        resolver.loop_stmt(stmt);
    }
    // With lines unread, the diagram is incomplete: judging it as a whole
    // would only echo the errors already reported.
    if file.unreadable_lines == 0 {
        resolver.empty_lanes(&lane_of_block);
    }
    let context = super::checks::Context {
        mentioned_by_edges: &resolver.mentioned_by_edges,
        unusable_ids: &resolver.unusable_ids,
        complete: file.unreadable_lines == 0,
    };
    super::checks::run(&resolver.diagram, &context, &mut resolver.diagnostics);

    (resolver.diagram, resolver.diagnostics)
}

impl<'a> Resolver<'a> {
    fn lane(&mut self, block: &'a ast::LaneBlock) -> LaneId {
        let id = &block.id.value;
        if let Some(existing) = self.diagram.lane_index(id) {
            let first = self.diagram.lane(existing).span;
            self.diagnostics.push(
                Diagnostic::new(
                    Code::E008,
                    format!("lane `{id}` is declared twice"),
                    block.id.span,
                    "second declaration",
                )
                .with_label(first, "first declared here")
                .with_help(format!("merge the two `{id}` blocks into one, or give this lane another id")),
            );
            return existing;
        }
        let label = match &block.label {
            Some(label) if !label.text.value.is_empty() => {
                if label.on_next_line {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::W003,
                            "lane label on the line below the brace",
                            label.text.span,
                            "display label",
                        )
                        .with_label(block.open_span, "lane opens here")
                        .with_help(format!("write it on the brace line: `{id} {{ # {}`", label.text.value))
                        .with_edit(
                            Span::new(block.open_span.end, block.open_span.end),
                            format!(" # {}", label.text.value),
                        )
                        .with_edit(label.text.span, ""),
                    );
                }
                label.text.value.clone()
            }
            _ => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::W004,
                        format!("lane `{id}` has no display label"),
                        block.open_span,
                        "no `# Label` here",
                    )
                    .with_help(format!("add one: `{id} {{ # {}`; until then the id is shown", title_case(id)))
                    .with_edit(block.open_span, format!("{id} {{ # {id}")),
                );
                CompactString::default()
            }
        };
        let label_span = block.label.as_ref().map(|label| label.text.span);
        let label = if label.is_empty() { id.clone() } else { label };
        self.diagram.add_lane(Lane { id: id.clone(), label, span: block.open_span, label_span })
    }

    fn statement(
        &mut self,
        statement: &'a Statement,
        lane: Option<LaneId>,
        edges: &mut Vec<Placed<'a, ast::EdgeStmt>>,
        loops: &mut Vec<Placed<'a, ast::LoopStmt>>,
    ) {
        match statement {
            Statement::Node(node) => self.node(node, lane),
            Statement::Edge(edge) => edges.push(Placed { statement: edge, written_in: lane }),
            Statement::Loop(stmt) => loops.push(Placed { statement: stmt, written_in: lane }),
            Statement::LineComment(_) => {}
            Statement::HashComment(comment) => self.diagnostics.push(
                Diagnostic::new(Code::W017, "`#` comment line", comment.span, "not a lane label").with_help(format!(
                    "only a lane's display label starts with `#`; write comments as `// {}`",
                    comment.value
                )),
            ),
        }
    }

    fn node(&mut self, decl: &'a ast::NodeDecl, lane: Option<LaneId>) {
        let id = decl.id.value.as_str();
        if let Some(&first) = self.first_declaration.get(id) {
            let free = self.next_free_id();
            self.diagnostics.push(
                Diagnostic::new(
                    Code::E007,
                    format!("node `{id}` is declared twice"),
                    decl.id.span,
                    "second declaration",
                )
                .with_label(first, "first declared here")
                .with_help(format!(
                    "node ids are unique across the whole file: rename one of them (the next free id is `{free}`)"
                )),
            );
            return;
        }
        self.first_declaration.insert(id, decl.id.span);

        let shape = Shape::from_name(&decl.shape.value);
        if shape.is_none() {
            let suggestion = closest(&decl.shape.value, Shape::ALL.map(Shape::name));
            let help = match suggestion {
                Some(shape) => format!("did you mean `{shape}`? The shapes are circle, rectangle, diamond and taskbox"),
                None => {
                    "the shapes are circle (event), rectangle (task), diamond (decision) and taskbox (task with items)"
                        .to_owned()
                }
            };
            self.diagnostics.push(
                Diagnostic::new(
                    Code::E001,
                    format!("unknown shape `{}`", decl.shape.value),
                    decl.shape.span,
                    "not a FlowZap shape",
                )
                .with_help(help),
            );
        }
        let attributes = self.attributes(&decl.attributes, AttributeOwner::Node);

        let (Some(shape), Some(lane)) = (shape, lane) else {
            if lane.is_none() {
                self.diagnostics.push(
                    Diagnostic::new(Code::E018, format!("node `{id}` is declared outside any lane"), decl.span, "no lane around this node")
                        .with_help("move the declaration into a lane block (`laneId { # Label` … `}`); a node's lane is the block it is declared in"),
                );
            }
            self.unusable_ids.insert(id);
            return;
        };
        self.diagram.add_node(Node {
            id: CompactString::from(id),
            shape,
            attributes,
            lane,
            id_span: decl.id.span,
            shape_span: decl.shape.span,
            span: decl.span,
        });
    }

    /// Ids are only ever added, so the search resumes where the last one
    /// stopped: linear over a file full of duplicates.
    fn next_free_id(&mut self) -> String {
        while self.first_declaration.contains_key(format!("n{}", self.free_ids_from).as_str()) {
            self.free_ids_from += 1;
        }
        format!("n{}", self.free_ids_from)
    }

    /// Whether a "did you mean" search over the whole diagram may run.
    fn may_search(&mut self) -> bool {
        let allowed = self.searches_left > 0;
        self.searches_left = self.searches_left.saturating_sub(1);
        allowed
    }

    /// Checks attributes (tolerated `=`, unknown keys, unquoted values,
    /// repeats) and returns the usable ones, a repeated key keeping its last value.
    fn attributes(&mut self, written: &[ast::Attribute], owner: AttributeOwner) -> Vec<Attribute> {
        let mut kept: Vec<Attribute> = Vec::new();
        let mut slot_of_key: HashMap<&str, usize> = HashMap::new();
        for attribute in written {
            let key = attribute.key.value.as_str();
            let value = match &attribute.value.value {
                AttrValue::Quoted(value) => value.clone(),
                AttrValue::Bare(raw) => {
                    let unquoted = raw.trim_matches(['\'', '`']);
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::E019,
                            format!("the value of `{key}` is not in double quotes"),
                            attribute.value.span,
                            "unquoted value",
                        )
                        .with_help(format!("write `{key}{}{}`", owner.canonical_separator(), quote(unquoted)))
                        // The words are the user's own: quoting them changes nothing they wrote.
                        .with_edit(attribute.value.span, quote(unquoted)),
                    );
                    continue;
                }
            };
            if attribute.separator.value != owner.canonical() {
                let (code, wrong) = match owner {
                    AttributeOwner::Node => (Code::W001, "="),
                    AttributeOwner::Edge => (Code::W002, ":"),
                };
                let what = match owner {
                    AttributeOwner::Node => "node attributes",
                    AttributeOwner::Edge => "edge labels",
                };
                self.diagnostics.push(
                    Diagnostic::new(
                        code,
                        format!("{what} are written with `{}`, not `{wrong}`", owner.canonical_separator()),
                        attribute.separator.span,
                        format!("`{wrong}` here"),
                    )
                    .with_help(format!("write `{key}{}{}`", owner.canonical_separator(), quote(&value)))
                    .with_edit(attribute.separator.span, owner.canonical_separator()),
                );
            }
            if !owner.known_keys().contains(&key) {
                let suggestion = closest(key, owner.known_keys().iter().copied())
                    .map(|known| format!("did you mean `{known}`? "))
                    .unwrap_or_default();
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::W016,
                        format!("unknown attribute `{key}`"),
                        attribute.key.span,
                        "not a FlowZap attribute",
                    )
                    .with_help(format!(
                        "{suggestion}{} it is kept, but FlowZap tools ignore it",
                        owner.known_keys_sentence()
                    )),
                );
            }
            if let Some(previous) = slot_of_key.get(key).map(|&slot| &mut kept[slot]) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::W018,
                        format!("attribute `{key}` is given twice"),
                        attribute.key.span,
                        "this value is used",
                    )
                    .with_label(previous.span, "this one is overridden")
                    .with_help(format!("keep one `{key}`")),
                );
                previous.value = value;
                previous.span = attribute.span;
                continue;
            }
            slot_of_key.insert(key, kept.len());
            kept.push(Attribute { key: CompactString::from(key), value, span: attribute.span });
        }
        kept.shrink_to_fit();
        kept
    }

    /// Resolves one endpoint's node, reporting unknown ids and wrong prefixes.
    fn endpoint_node(
        &mut self,
        endpoint_node: &'a Spanned<CompactString>,
        prefix: Option<&Spanned<CompactString>>,
        code: Code,
        role: &str,
    ) -> Option<NodeIndex> {
        let id = endpoint_node.value.as_str();
        let Some(index) = self.diagram.node_index(id) else {
            if !self.unusable_ids.contains(id) {
                let near = match self.may_search() {
                    true => closest(id, self.diagram.nodes().iter().map(|node| node.id.as_str())),
                    false => None,
                };
                let help = match near {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("declare it in a lane, e.g. `{id}: rectangle label:\"…\"`"),
                };
                self.diagnostics.push(
                    Diagnostic::new(
                        code,
                        format!("{role} `{id}` names no node"),
                        endpoint_node.span,
                        "no node with this id",
                    )
                    .with_help(help),
                );
            }
            return None;
        };
        if let Some(prefix) = prefix {
            if !self.check_prefix(prefix, index) {
                return None;
            }
        }
        Some(index)
    }

    /// False (with an error) when a lane prefix contradicts the node's lane.
    fn check_prefix(&mut self, prefix: &Spanned<CompactString>, index: NodeIndex) -> bool {
        let may_search = self.diagram.lane_index(&prefix.value).is_none() && self.may_search();
        let node = self.diagram.node(index);
        let node_lane = &self.diagram.lane(node.lane);
        if prefix.value == node_lane.id {
            return true;
        }
        match self.diagram.lane_index(&prefix.value) {
            None => {
                let near = match may_search {
                    true => closest(&prefix.value, self.diagram.lanes().iter().map(|lane| lane.id.as_str())),
                    false => None,
                };
                let help = match near {
                    Some(near) if near == node_lane.id => {
                        format!("did you mean `{near}`? `{}` is declared there", node.id)
                    }
                    Some(near) => {
                        format!("did you mean `{near}`? (`{}` itself is in lane `{}`)", node.id, node_lane.id)
                    }
                    None => {
                        format!("`{}` is in lane `{}`: write `{}.{}`", node.id, node_lane.id, node_lane.id, node.id)
                    }
                };
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::E006,
                        format!("there is no lane `{}`", prefix.value),
                        prefix.span,
                        "unknown lane",
                    )
                    .with_help(help),
                );
            }
            Some(_) => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::E005,
                        format!("`{}` is not in lane `{}`", node.id, prefix.value),
                        prefix.span,
                        format!("says lane `{}`", prefix.value),
                    )
                    .with_label(node.id_span, format!("`{}` is declared in lane `{}`", node.id, node_lane.id))
                    .with_help(format!(
                        "write `{}.{}`, or move the node into lane `{}`",
                        node_lane.id, node.id, prefix.value
                    )),
                );
            }
        }
        false
    }

    fn handle(&mut self, written: Option<&Spanned<CompactString>>) -> Result<Option<Side>, ()> {
        let Some(written) = written else { return Ok(None) };
        if let Some(side) = Side::from_name(&written.value) {
            return Ok(Some(side));
        }
        let lower = written.value.to_lowercase();
        if let Some(side) = Side::from_name(&lower) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::W010,
                    format!("handle direction `{}` is not lower case", written.value),
                    written.span,
                    "write it in lower case",
                )
                .with_help(format!("write `handle({side})`"))
                .with_edit(written.span, side.name()),
            );
            return Ok(Some(side));
        }
        let synonym = match lower.as_str() {
            "up" | "north" | "n" | "t" => Some(Side::Top),
            "down" | "south" | "s" | "b" | "bot" => Some(Side::Bottom),
            "east" | "e" | "r" => Some(Side::Right),
            "west" | "w" | "l" => Some(Side::Left),
            _ => None,
        };
        let suggestion = synonym.map(Side::name).or_else(|| closest(&lower, Side::ALL.map(Side::name)));
        let help = match suggestion {
            Some(side) => format!("did you mean `handle({side})`? Directions are left, right, top and bottom"),
            None => "directions are left, right, top and bottom".to_owned(),
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::E002,
                format!("unknown handle direction `{}`", written.value),
                written.span,
                "not a direction",
            )
            .with_help(help),
        );
        Err(())
    }

    fn edge(&mut self, placed: &Placed<'a, ast::EdgeStmt>) {
        let stmt = placed.statement;
        self.mentioned_by_edges.insert(&stmt.source.node.value);
        self.mentioned_by_edges.insert(&stmt.target.node.value);

        let source = self.endpoint_node(&stmt.source.node, stmt.source.lane_prefix.as_ref(), Code::E003, "edge source");
        let target = self.endpoint_node(&stmt.target.node, stmt.target.lane_prefix.as_ref(), Code::E003, "edge target");
        let source_handle = self.handle(stmt.source.handle.as_ref());
        let target_handle = self.handle(stmt.target.handle.as_ref());
        let attributes = self.attributes(&stmt.attributes, AttributeOwner::Edge);

        let (Some(source), Some(target), Ok(source_handle), Ok(target_handle)) =
            (source, target, source_handle, target_handle)
        else {
            return;
        };
        let source_lane = self.diagram.node(source).lane;
        let target_lane = self.diagram.node(target).lane;
        let (inferred_source, inferred_target) = infer_handles(source_lane, target_lane);
        let handles_written = source_handle.is_some() && target_handle.is_some();
        let source_handle = source_handle.unwrap_or(inferred_source);
        let target_handle = target_handle.unwrap_or(inferred_target);

        let source_id = self.diagram.node(source).id.clone();
        let target_id = self.diagram.node(target).id.clone();
        let target_lane_id = self.diagram.lane(target_lane).id.clone();
        let label_attribute = attributes.iter().find(|a| a.key == "label");
        let label = label_attribute.map(|a| a.value.clone());
        let label_span = label_attribute.map(|a| a.span);
        let extra = attributes.iter().filter(|a| a.key != "label").cloned().collect();
        let edge = Edge {
            source,
            target,
            source_handle,
            target_handle,
            handles_written,
            label,
            label_span,
            attributes: extra,
            written_in: placed.written_in,
            span: stmt.span,
        };
        // The statement as the canonical writer prints it, every attribute
        // kept: what the fix-its rewrite the edge to.
        let canonical = self.diagram.edge_statement(&edge);

        if !handles_written {
            // Each missing handle is inserted after its node id, so the
            // edits stay clear of the lane prefix (W007) and the label
            // (W002) that other fix-its of this line change.
            let mut diagnostic =
                Diagnostic::new(Code::W009, "edge without handles", stmt.span, "no `.handle(…)` on one or both ends")
                    .with_help(format!("name the sides the line attaches to: `{canonical}`"));
            if stmt.source.handle.is_none() {
                let after = stmt.source.node.span.end;
                diagnostic = diagnostic.with_edit(Span::new(after, after), format!(".handle({source_handle})"));
            }
            if stmt.target.handle.is_none() {
                let after = stmt.target.node.span.end;
                diagnostic = diagnostic.with_edit(Span::new(after, after), format!(".handle({target_handle})"));
            }
            self.diagnostics.push(diagnostic);
        }
        if let Some(prefix) = &stmt.source.lane_prefix {
            self.diagnostics.push(
                Diagnostic::new(Code::W006, "lane prefix on an edge's source", prefix.span, "not needed")
                    .with_help(format!("the source is never prefixed: `{canonical}`"))
                    .with_edit(Span::new(stmt.source.span.start, stmt.source.node.span.start), ""),
            );
        }
        match &stmt.target.lane_prefix {
            Some(prefix) if source_lane == target_lane => self.diagnostics.push(
                Diagnostic::new(Code::W006, "lane prefix on a target in the same lane", prefix.span, "not needed")
                    .with_help(format!("only a target in another lane is prefixed: `{canonical}`"))
                    .with_edit(Span::new(stmt.target.span.start, stmt.target.node.span.start), ""),
            ),
            None if source_lane != target_lane => self.diagnostics.push(
                Diagnostic::new(
                    Code::W007,
                    format!("`{target_id}` is in lane `{target_lane_id}` but written without its lane prefix"),
                    stmt.target.node.span,
                    "cross-lane target",
                )
                .with_help(format!("write `{target_lane_id}.{target_id}`: `{canonical}`"))
                .with_edit(
                    Span::new(stmt.target.node.span.start, stmt.target.node.span.start),
                    format!("{target_lane_id}."),
                ),
            ),
            _ => {}
        }
        self.misplaced(placed.written_in, source_lane, stmt.span, "edge", &source_id);

        self.diagram.add_edge(edge);
    }

    /// W005 when a statement stands outside the lane it belongs in.
    fn misplaced(&mut self, written_in: Option<LaneId>, belongs_in: LaneId, span: Span, what: &str, owner_id: &str) {
        if written_in == Some(belongs_in) {
            return;
        }
        let lane_id = self.diagram.lane(belongs_in).id.clone();
        let (message, label) = match written_in {
            None => (format!("{what} written outside any lane"), "outside every lane block".to_owned()),
            Some(other) => (
                format!("{what} written in lane `{}`", self.diagram.lane(other).id),
                format!("but `{owner_id}` is in lane `{lane_id}`"),
            ),
        };
        let help = match what {
            // A loop may frame nodes of several lanes; it has one home.
            "loop" => format!(
                "move it into the `{lane_id}` block: a loop is written in the lane of its first node, `{owner_id}`"
            ),
            _ => format!("move it into the `{lane_id}` block, where `{owner_id}` is declared"),
        };
        self.diagnostics.push(Diagnostic::new(Code::W005, message, span, label).with_help(help));
    }

    fn loop_stmt(&mut self, placed: &Placed<'a, ast::LoopStmt>) {
        let stmt = placed.statement;
        let mut members = Vec::new();
        for member in &stmt.members {
            if let Some(index) =
                self.endpoint_node(&member.node, member.lane_prefix.as_ref(), Code::E004, "loop member")
            {
                members.push(index);
            }
        }
        if stmt.members.len() < 2 {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::W014,
                    format!(
                        "loop frames {} node{}",
                        stmt.members.len(),
                        if stmt.members.len() == 1 { "" } else { "s" }
                    ),
                    stmt.span,
                    "a loop needs at least two nodes",
                )
                .with_help("list every node of the repeated part in order: `loop [condition] n3 n4 n5`"),
            );
        }
        if let Some(&first) = members.first() {
            let first_node = self.diagram.node(first);
            let (lane, id) = (first_node.lane, first_node.id.clone());
            self.misplaced(placed.written_in, lane, stmt.span, "loop", &id);
        }
        if members.len() == stmt.members.len() {
            self.diagram.add_loop(Loop {
                condition: stmt.condition.value.clone(),
                members,
                written_in: placed.written_in,
                span: stmt.span,
            });
        }
    }

    fn empty_lanes(&mut self, blocks: &[(LaneId, &ast::LaneBlock)]) {
        let mut populated = vec![false; self.diagram.lanes().len()];
        for node in self.diagram.nodes() {
            populated[node.lane.index()] = true;
        }
        let mut reported = HashSet::new();
        for (lane, block) in blocks {
            let declares_nodes = block.statements.iter().any(|s| matches!(s, Statement::Node(_)));
            if !populated[lane.index()] && !declares_nodes && reported.insert(*lane) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::W015,
                        format!("lane `{}` holds no nodes", block.id.value),
                        block.open_span,
                        "empty lane",
                    )
                    .with_help("declare its nodes in it, or delete it"),
                );
            }
        }
    }
}

#[derive(Clone, Copy)]
enum AttributeOwner {
    Node,
    Edge,
}

impl AttributeOwner {
    fn canonical(self) -> Separator {
        match self {
            AttributeOwner::Node => Separator::Colon,
            AttributeOwner::Edge => Separator::Equals,
        }
    }

    fn canonical_separator(self) -> &'static str {
        match self.canonical() {
            Separator::Colon => ":",
            Separator::Equals => "=",
        }
    }

    fn known_keys(self) -> &'static [&'static str] {
        match self {
            AttributeOwner::Node => &KNOWN_ATTRIBUTES,
            AttributeOwner::Edge => &["label"],
        }
    }

    fn known_keys_sentence(self) -> &'static str {
        match self {
            AttributeOwner::Node => "nodes take label, owner, description and system;",
            AttributeOwner::Edge => "edges take only label;",
        }
    }
}

/// The handles the formatter writes for an edge that names none: along the
/// lane left to right, down the lanes bottom to top, up the lanes top to bottom.
pub fn infer_handles(source_lane: LaneId, target_lane: LaneId) -> (Side, Side) {
    use std::cmp::Ordering;
    match target_lane.cmp(&source_lane) {
        Ordering::Equal => (Side::Right, Side::Left),
        Ordering::Greater => (Side::Bottom, Side::Top),
        Ordering::Less => (Side::Top, Side::Bottom),
    }
}

fn title_case(id: &str) -> String {
    let mut words = Vec::new();
    for word in id.split('_').filter(|word| !word.is_empty()) {
        let mut characters = word.chars();
        if let Some(first) = characters.next() {
            words.push(first.to_uppercase().chain(characters).collect::<String>());
        }
    }
    if words.is_empty() {
        id.to_owned()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{apply_fixes, Code};

    /// The fix-it for an edge without handles rewrites the statement with
    /// the canonical writer, so attributes besides the label survive it.
    #[test]
    fn handle_fix_keeps_every_edge_attribute() {
        let text = "ops { # Ops\n  n1: rectangle label:\"A\"\n  n2: rectangle label:\"B\"\n  n1 -> n2 [label=\"go\", color=\"red\"]\n}\n";
        let loaded = crate::load(text);
        assert!(loaded.diagnostics.iter().any(|d| d.code == Code::W009));
        let fixed = apply_fixes(text, &loaded.diagnostics);
        assert!(
            fixed.contains("n1.handle(right) -> n2.handle(left) [label=\"go\", color=\"red\"]"),
            "the fix dropped an attribute:\n{fixed}"
        );
        let again = crate::load(&fixed);
        assert!(again.diagnostics.iter().all(|d| d.code != Code::W009));
        let kept = |loaded: &crate::Loaded| -> Vec<(compact_str::CompactString, compact_str::CompactString)> {
            loaded.diagram.edges()[0].attributes.iter().map(|a| (a.key.clone(), a.value.clone())).collect()
        };
        assert_eq!(kept(&again), kept(&loaded));
        assert_eq!(again.diagram.edges()[0].label.as_deref(), Some("go"));
    }
}
