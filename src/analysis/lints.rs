//! The lint rules, and the soundness findings told as diagnostics.

use petgraph::graph::{EdgeIndex, NodeIndex};

use super::joins::Join;
use super::print::describe_steps;
use super::roles::{Kind, Split};
use super::soundness::{Finding, Step};
use super::{analyse, Analysis, Options};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Diagram, Shape};

/// Analyses the diagram and returns the analysis with every finding of the
/// lint rules, sorted by position.
pub fn lint(diagram: &Diagram, options: &Options) -> (Analysis, Vec<Diagnostic>) {
    let analysis = analyse(diagram, options);
    let mut out = Vec::new();
    let context = Context { diagram, analysis: &analysis };
    for finding in &analysis.findings {
        out.push(context.finding(finding));
    }
    context.decisions(&mut out);
    context.events(&mut out);
    context.dead_ends(&mut out);
    context.loops_and_cycles(&mut out);
    context.fan_out(options.max_fan_out, &mut out);
    context.mixed_joins(&mut out);
    context.ping_pong(&mut out);
    out.sort_by_key(|diagnostic| (diagnostic.primary.span.start, diagnostic.code));
    (analysis, out)
}

struct Context<'a> {
    diagram: &'a Diagram,
    analysis: &'a Analysis,
}

impl Context<'_> {
    fn id(&self, node: NodeIndex) -> &str {
        &self.diagram.node(node).id
    }

    fn span(&self, node: NodeIndex) -> crate::syntax::Span {
        self.diagram.node(node).id_span
    }

    fn edge_source(&self, edge: EdgeIndex) -> NodeIndex {
        self.diagram.edges[edge.index()].source
    }

    /// Labels for the decisions a witness took and the forks it passed.
    fn witness_labels(&self, mut diagnostic: Diagnostic, witness: &[Step], already: &[NodeIndex]) -> Diagnostic {
        let mut labelled = already.to_vec();
        for step in witness.iter().rev() {
            let (node, choice) = match step {
                Step::Fire { node, choice } => (*node, *choice),
                Step::Start(node) => (*node, None),
            };
            if labelled.contains(&node) {
                continue;
            }
            let text = match (choice, self.analysis.roles[node.index()].split) {
                (Some(edge), _) => match &self.diagram.edges[edge.index()].label {
                    Some(label) => format!("this run chooses {label:?} here"),
                    None => format!("this run goes to `{}` here", self.id(self.diagram.edges[edge.index()].target)),
                },
                (None, Split::Parallel) => "tokens part here".to_owned(),
                _ => continue,
            };
            labelled.push(node);
            diagnostic = diagnostic.with_label(self.span(node), text);
            if labelled.len() > 4 {
                break;
            }
        }
        diagnostic
    }

    fn finding(&self, finding: &Finding) -> Diagnostic {
        let diagram = self.diagram;
        match finding {
            Finding::Deadlock { waiting, witness } => {
                let (join, missing) = waiting
                    .iter()
                    .find(|(_, missing)| !missing.is_empty())
                    .or(waiting.first())
                    .cloned()
                    .unwrap_or((NodeIndex::new(0), Vec::new()));
                let from: Vec<String> =
                    missing.iter().map(|&edge| format!("`{}`", self.id(self.edge_source(edge)))).collect();
                let from = if from.is_empty() { "its other inputs".to_owned() } else { from.join(" and ") };
                let mut diagnostic = Diagnostic::new(
                    Code::E021,
                    format!("deadlock: `{}` waits forever for {from}", self.id(join)),
                    self.span(join),
                    format!("this join waits for a token from {from} that never comes"),
                );
                let mut labelled = vec![join];
                if let Some((_, _, Some(fork))) = self.analysis.joins[join.index()].parallel_pair {
                    diagnostic = diagnostic.with_label(self.span(fork), "the paths it joins part at this fork");
                    labelled.push(fork);
                }
                diagnostic = self.witness_labels(diagnostic, witness, &labelled);
                diagnostic.with_help(format!(
                    "witness: {}; then nothing can move. A join waits for every path from its fork: let every branch reach `{}`, or merge the alternatives of the decision before the join",
                    describe_steps(diagram, witness),
                    self.id(join)
                ))
            }
            Finding::LackOfSynchronisation { node, edges, witness } => {
                let sources: Vec<String> =
                    edges.iter().map(|&edge| format!("`{}`", self.id(self.edge_source(edge)))).collect();
                let diagnostic = Diagnostic::new(
                    Code::E022,
                    format!("lack of synchronisation: two tokens reach `{}` at once", self.id(*node)),
                    self.span(*node),
                    format!("reached from {} in the same run: it runs twice", sources.join(" and ")),
                );
                let diagnostic = self.witness_labels(diagnostic, witness, &[*node]);
                diagnostic.with_help(format!(
                    "witness: {}. Paths taken together must meet in a join that waits for all of them, not in a merge or a loop",
                    describe_steps(diagram, witness)
                ))
            }
            Finding::Livelock { nodes, witness } => {
                let cycle: Vec<&str> = nodes.iter().map(|&node| self.id(node)).collect();
                let first = nodes.first().copied().unwrap_or(NodeIndex::new(0));
                let mut diagnostic = Diagnostic::new(
                    Code::E023,
                    format!("livelock: the cycle {} has no way out", cycle.join(" → ")),
                    self.span(first),
                    "a run that gets here never ends",
                );
                for &node in nodes.iter().skip(1).take(3) {
                    diagnostic = diagnostic.with_label(self.span(node), "in the cycle");
                }
                let reach = if witness.is_empty() {
                    String::new()
                } else {
                    format!("witness: {}; ", describe_steps(diagram, witness))
                };
                diagnostic.with_help(format!(
                    "{reach}then the run goes round {} forever. Give the cycle an exit: an outgoing edge from a decision in it",
                    cycle.join(" → ")
                ))
            }
            Finding::Unreachable { node } => Diagnostic::new(
                Code::W025,
                format!("no start reaches `{}`", self.id(*node)),
                self.span(*node),
                "unreachable",
            )
            .with_help("connect it to the flow from a start event, or delete it"),
            Finding::BoundReached { start, states } => Diagnostic::new(
                Code::I002,
                format!("the soundness check from `{}` stopped after {states} markings", self.id(*start)),
                self.span(*start),
                "explored from here",
            )
            .with_help("findings from here on may be incomplete; raise `--max-states` to search further"),
        }
    }

    fn decisions(&self, out: &mut Vec<Diagnostic>) {
        for index in self.diagram.node_indices() {
            if self.analysis.roles[index.index()].kind != Kind::Decision {
                continue;
            }
            let outs = &self.analysis.flow.outgoing[index.index()];
            if outs.len() == 1 {
                out.push(
                    Diagnostic::new(
                        Code::W019,
                        format!("decision `{}` has one outcome", self.id(index)),
                        self.span(index),
                        "decides nothing",
                    )
                    .with_help("add the other outcome as a labelled edge, or make the node a rectangle"),
                );
            }
            if outs.len() >= 2 {
                let unlabelled: Vec<EdgeIndex> =
                    outs.iter().copied().filter(|edge| self.diagram.edges[edge.index()].label.is_none()).collect();
                if let Some(&first) = unlabelled.first() {
                    let targets: Vec<String> = unlabelled
                        .iter()
                        .map(|&e| format!("`{}`", self.id(self.diagram.edges[e.index()].target)))
                        .collect();
                    let mut diagnostic = Diagnostic::new(
                        Code::W020,
                        format!(
                            "decision `{}` has outcomes without labels (to {})",
                            self.id(index),
                            targets.join(", ")
                        ),
                        self.diagram.edges[first.index()].span,
                        "no label",
                    )
                    .with_label(self.span(index), "the decision");
                    diagnostic = diagnostic.with_help(
                        "name each outcome: `[label=\"Yes\"]`; the compilers use labels as the values a decision tests",
                    );
                    out.push(diagnostic);
                }
            }
        }
    }

    fn events(&self, out: &mut Vec<Diagnostic>) {
        let flow = &self.analysis.flow;
        let words = |label: &str, list: &[&str]| {
            let label = label.to_lowercase();
            label.split(|c: char| !c.is_alphanumeric()).any(|word| list.contains(&word))
        };
        let mut starts = 0;
        let mut ends = 0;
        for index in self.diagram.node_indices() {
            let node = self.diagram.node(index);
            match self.analysis.roles[index.index()].kind {
                Kind::Start => starts += 1,
                Kind::End => ends += 1,
                _ => {}
            }
            if node.shape != Shape::Circle {
                continue;
            }
            let n = index.index();
            let only_back_in = !flow.incoming[n].is_empty() && flow.incoming[n].iter().all(|e| flow.is_back[e.index()]);
            let looks_like_start = words(node.display_label(), &["start", "begin", "begins", "started", "kickoff"]);
            if !flow.incoming[n].is_empty() && (only_back_in || (looks_like_start && !flow.outgoing[n].is_empty())) {
                let back = flow.incoming[n][0];
                out.push(
                    Diagnostic::new(
                        Code::W021,
                        format!("start event `{}` has incoming edges", node.id),
                        node.id_span,
                        "flow comes back into the start",
                    )
                    .with_label(self.diagram.edges[back.index()].span, "this edge enters it")
                    .with_help("a process starts once: let the edge return to the first task after the start instead"),
                );
            }
            let only_back_out =
                !flow.outgoing[n].is_empty() && flow.outgoing[n].iter().all(|e| flow.is_back[e.index()]);
            let looks_like_end = words(
                node.display_label(),
                &["end", "ends", "done", "finish", "finished", "complete", "completed", "stop", "closed"],
            );
            if !flow.outgoing[n].is_empty() && (only_back_out || (looks_like_end && !flow.incoming[n].is_empty())) {
                let leaving = flow.outgoing[n][0];
                out.push(
                    Diagnostic::new(Code::W022, format!("end event `{}` has outgoing edges", node.id), node.id_span, "flow continues after the end")
                        .with_label(self.diagram.edges[leaving.index()].span, "this edge leaves it")
                        .with_help("an end event finishes its path: start the next step from the node before it, or use a rectangle"),
                );
            }
        }
        let Some(first) = self.diagram.nodes.first() else { return };
        if starts == 0 {
            out.push(
                Diagnostic::new(
                    Code::W023,
                    "the diagram has no start event",
                    first.id_span,
                    "no circle without incoming edges",
                )
                .with_help("add `nX: circle label:\"Start\"` with an edge to the first step"),
            );
        }
        if ends == 0 {
            out.push(
                Diagnostic::new(
                    Code::W024,
                    "the diagram has no end event",
                    first.id_span,
                    "no circle without outgoing edges",
                )
                .with_help("add `nX: circle label:\"Done\"` after the last step"),
            );
        }
    }

    fn dead_ends(&self, out: &mut Vec<Diagnostic>) {
        let flow = &self.analysis.flow;
        for index in self.diagram.node_indices() {
            let n = index.index();
            let node = self.diagram.node(index);
            if node.shape == Shape::Circle || !flow.outgoing[n].is_empty() || flow.incoming[n].is_empty() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::W026,
                    format!("the flow stops at `{}`, which is not an end event", node.id),
                    node.id_span,
                    "nothing follows",
                )
                .with_help(format!(
                    "add an end event after it: `{}.handle(right) -> nX.handle(left)` with `nX: circle label:\"Done\"`",
                    node.id
                )),
            );
        }
    }

    fn loops_and_cycles(&self, out: &mut Vec<Diagnostic>) {
        let diagram = self.diagram;
        let components = petgraph::algo::tarjan_scc(&diagram.graph);
        let mut component_of = vec![usize::MAX; diagram.nodes.len()];
        let mut cyclic = vec![false; components.len()];
        for (c, members) in components.iter().enumerate() {
            for member in members {
                component_of[member.index()] = c;
            }
            cyclic[c] = members.len() > 1 || members.iter().any(|&m| diagram.graph.find_edge(m, m).is_some());
        }
        let mut framed = vec![false; components.len()];
        for stmt in &diagram.loops {
            let first = stmt.members.first().map(|m| component_of[m.index()]);
            let one_cycle =
                first.is_some_and(|c| cyclic[c] && stmt.members.iter().all(|m| component_of[m.index()] == c));
            match first {
                Some(c) if one_cycle => framed[c] = true,
                _ => {
                    let help = if stmt.members.len() < 2 {
                        "a loop frames the nodes of a cycle; list at least two".to_owned()
                    } else {
                        "draw the way back as an edge (from a decision to the first node of the loop), or remove the `loop` line".to_owned()
                    };
                    out.push(
                        Diagnostic::new(
                            Code::W027,
                            format!("loop [{}] frames no cycle", stmt.condition),
                            stmt.span,
                            "these nodes do not form a cycle",
                        )
                        .with_help(help),
                    );
                }
            }
        }
        // One note per unframed cycle, at the node its way back returns to.
        let mut noted = vec![false; components.len()];
        for (position, edge) in diagram.edges.iter().enumerate() {
            let c = component_of[edge.target.index()];
            if !self.analysis.flow.is_back[position] || framed[c] || noted[c] {
                continue;
            }
            noted[c] = true;
            let members: Vec<&str> = {
                let mut ids: Vec<(usize, &str)> = components[c].iter().map(|m| (m.index(), self.id(*m))).collect();
                ids.sort();
                ids.into_iter().map(|(_, id)| id).collect()
            };
            out.push(
                Diagnostic::new(
                    Code::I001,
                    format!("cycle through {} has no `loop` statement", members.join(", ")),
                    edge.span,
                    "the way back",
                )
                .with_label(self.span(edge.target), "the cycle starts again here")
                .with_help(format!("frame it for readers and renderers: `loop [condition] {}`", members.join(" "))),
            );
        }
    }

    fn fan_out(&self, limit: usize, out: &mut Vec<Diagnostic>) {
        for index in self.diagram.node_indices() {
            let width = self.analysis.flow.outgoing[index.index()].len();
            if width > limit {
                out.push(
                    Diagnostic::new(
                        Code::W028,
                        format!("`{}` fans out to {width} nodes (the limit is {limit})", self.id(index)),
                        self.span(index),
                        "wide fan-out",
                    )
                    .with_help("group the branches behind intermediate steps, or raise `--max-fan-out`"),
                );
            }
        }
    }

    fn mixed_joins(&self, out: &mut Vec<Diagnostic>) {
        for index in self.diagram.node_indices() {
            let info = &self.analysis.joins[index.index()];
            if info.join != Join::Mixed {
                continue;
            }
            let loops_back =
                self.analysis.flow.incoming[index.index()].iter().any(|e| self.analysis.flow.is_back[e.index()]);
            let message = if loops_back {
                format!("`{}` joins parallel paths where a loop comes round", self.id(index))
            } else {
                format!("`{}` both joins parallel paths and merges alternatives, inconsistently", self.id(index))
            };
            let mut diagnostic =
                Diagnostic::new(Code::W029, message, self.span(index), "no single rule fits this node");
            if let Some((_, _, Some(fork))) = info.parallel_pair {
                diagnostic = diagnostic.with_label(self.span(fork), "parallel paths part here");
            }
            if let Some((_, _, Some(decision))) = info.exclusive_pair {
                diagnostic = diagnostic.with_label(self.span(decision), "alternative paths part here");
            }
            out.push(diagnostic.with_help(
                "join the parallel paths in a node of their own first, and let only that node lead into the loop or merge; until then it is played as a merge, which runs once per arrival",
            ));
        }
    }

    /// Sequence-view practice: after a request from lane A to lane B, the
    /// next cross-lane message is B's reply to A.
    fn ping_pong(&self, out: &mut Vec<Diagnostic>) {
        let diagram = self.diagram;
        let mut open: Option<(usize, usize, usize)> = None;
        for (position, edge) in diagram.edges.iter().enumerate() {
            let from = diagram.node(edge.source).lane;
            let to = diagram.node(edge.target).lane;
            if from == to {
                continue;
            }
            match open {
                Some((a, b, _)) if from == b && to == a => open = None,
                Some((a, b, request)) => {
                    out.push(
                        Diagnostic::new(
                            Code::W030,
                            format!(
                                "request from `{}` to `{}` has no reply before this message",
                                diagram.lanes[a].id, diagram.lanes[b].id
                            ),
                            edge.span,
                            "next request",
                        )
                        .with_label(diagram.edges[request].span, "the request")
                        .with_help(format!(
                            "answer it first with an edge from lane `{}` back to `{}`",
                            diagram.lanes[b].id, diagram.lanes[a].id
                        )),
                    );
                    open = Some((from, to, position));
                }
                None => open = Some((from, to, position)),
            }
        }
    }
}
