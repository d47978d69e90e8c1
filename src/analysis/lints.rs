//! The lint rules, and the soundness findings told as diagnostics.

use petgraph::graph::{EdgeIndex, NodeIndex};

use super::joins::Join;
use super::print::describe_steps;
use super::roles::{Kind, Split};
use super::soundness::{Finding, Step};
use super::{analyse, Analysis, Options};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Diagram, LaneId, Shape};

/// Analyses the diagram and returns the analysis with every finding of the
/// lint rules, sorted by position.
pub fn lint(diagram: &Diagram, options: &Options) -> (Analysis, Vec<Diagnostic>) {
    let analysis = analyse(diagram, options);
    let findings = lint_rules(diagram, &analysis, options);
    (analysis, findings)
}

/// The lint rules' findings on `diagram` analysed as `analysis` (with the
/// same `options`), by position.
pub fn lint_rules(diagram: &Diagram, analysis: &Analysis, options: &Options) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let context = Context { drawn: diagram, diagram: analysis.process(diagram), analysis, drawing: &analysis.drawing };
    for finding in &analysis.findings {
        out.push(context.finding(finding));
    }
    context.readings(&mut out);
    context.decisions(&mut out);
    context.events(&mut out);
    context.dead_ends(&mut out);
    context.loops_and_cycles(&mut out);
    context.cycles_without_tasks(&mut out);
    context.fan_out(options.max_fan_out, &mut out);
    context.mixed_joins(&mut out);
    context.ping_pong(&mut out);
    out.sort_by_key(|diagnostic| (diagnostic.primary.span.start, diagnostic.code));
    out
}

struct Context<'a> {
    /// The diagram as drawn.
    drawn: &'a Diagram,
    /// The process as read, which the analysis indices refer to.
    diagram: &'a Diagram,
    analysis: &'a Analysis,
    drawing: &'a super::Drawing,
}

impl Context<'_> {
    fn id(&self, node: NodeIndex) -> &str {
        &self.diagram.node(node).id
    }

    fn span(&self, node: NodeIndex) -> crate::syntax::Span {
        self.diagram.node(node).id_span
    }

    fn edge_source(&self, edge: EdgeIndex) -> NodeIndex {
        self.diagram.edges()[edge.index()].source
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
                (Some(edge), _) => match &self.diagram.edges()[edge.index()].label {
                    Some(label) => format!("this run chooses {label:?} here"),
                    None => format!("this run goes to `{}` here", self.id(self.diagram.edges()[edge.index()].target)),
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
            Finding::Unreachable { node, stray_entry } => self.left_out(*node, *stray_entry),
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
                    outs.iter().copied().filter(|edge| self.diagram.edges()[edge.index()].label.is_none()).collect();
                if let Some(&first) = unlabelled.first() {
                    let targets: Vec<String> = unlabelled
                        .iter()
                        .map(|&e| format!("`{}`", self.id(self.diagram.edges()[e.index()].target)))
                        .collect();
                    let mut diagnostic = Diagnostic::new(
                        Code::W020,
                        format!(
                            "decision `{}` has outcomes without labels (to {})",
                            self.id(index),
                            targets.join(", ")
                        ),
                        self.diagram.edges()[first.index()].span,
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
        let drawing = self.drawing;
        let drawn = self.drawn;
        let words = |label: &str, list: &[&str]| {
            let label = label.to_lowercase();
            label.split(|c: char| !c.is_alphanumeric()).any(|word| list.contains(&word))
        };
        let replies: Vec<EdgeIndex> = self.analysis.reading.replies.iter().map(|reply| reply.edge).collect();
        let mut starts = 0;
        let mut ends = 0;
        for index in drawn.node_indices() {
            let node = drawn.node(index);
            match self.analysis.roles[index.index()].kind {
                Kind::Start => starts += 1,
                Kind::End => ends += 1,
                _ => {}
            }
            if node.shape != Shape::Circle {
                continue;
            }
            let n = index.index();
            // A reply into a start is its own reading (W032).
            let incoming: Vec<EdgeIndex> =
                drawing.incoming[n].iter().copied().filter(|edge| !replies.contains(edge)).collect();
            let outgoing = &drawing.outgoing[n];
            let only_back_in = !incoming.is_empty() && incoming.iter().all(|e| drawing.is_back[e.index()]);
            let looks_like_start = words(node.display_label(), &["start", "begin", "begins", "started", "kickoff"]);
            if !incoming.is_empty() && (only_back_in || (looks_like_start && !outgoing.is_empty())) {
                out.push(self.start_with_incoming(index, &incoming));
            }
            let only_back_out = !outgoing.is_empty() && outgoing.iter().all(|e| drawing.is_back[e.index()]);
            let looks_like_end = words(
                node.display_label(),
                &["end", "ends", "done", "finish", "finished", "complete", "completed", "stop", "closed"],
            );
            if !outgoing.is_empty() && (only_back_out || (looks_like_end && !drawing.incoming[n].is_empty())) {
                let leaving = outgoing[0];
                out.push(
                    Diagnostic::new(Code::W022, format!("end event `{}` has outgoing edges", node.id), node.id_span, "flow continues after the end")
                        .with_label(drawn.edges()[leaving.index()].span, "this edge leaves it")
                        .with_help("an end event finishes its path: start the next step from the node before it, or use a rectangle"),
                );
            }
        }
        let Some(first) = self.diagram.nodes().first() else { return };
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
        let flow = &self.drawing;
        for index in self.drawn.node_indices() {
            let n = index.index();
            let node = self.drawn.node(index);
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
        // Loop frames are checked against the cycles drawn; the notes about
        // unframed cycles against those of the process (a reply is no loop).
        let diagram = self.drawn;
        let components = petgraph::algo::kosaraju_scc(&diagram.graph());
        let mut component_of = vec![usize::MAX; diagram.nodes().len()];
        let mut cyclic = vec![false; components.len()];
        for (c, members) in components.iter().enumerate() {
            for member in members {
                component_of[member.index()] = c;
            }
            cyclic[c] = members.len() > 1 || members.iter().any(|&m| diagram.graph().find_edge(m, m).is_some());
        }
        let mut framed = vec![false; components.len()];
        for stmt in diagram.loops() {
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
        for (position, edge) in self.diagram.edges().iter().enumerate() {
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
        for index in self.drawn.node_indices() {
            let width = self.drawing.outgoing[index.index()].len();
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
        let diagram = self.drawn;
        let mut open: Option<(LaneId, LaneId, usize)> = None;
        for (position, edge) in diagram.edges().iter().enumerate() {
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
                                diagram.lane(a).id,
                                diagram.lane(b).id
                            ),
                            edge.span,
                            "next request",
                        )
                        .with_label(diagram.edges()[request].span, "the request")
                        .with_help(format!(
                            "answer it first with an edge from lane `{}` back to `{}`",
                            diagram.lane(b).id,
                            diagram.lane(a).id
                        )),
                    );
                    open = Some((from, to, position));
                }
                None => open = Some((from, to, position)),
            }
        }
    }

    /// W021; where the way back is read as restarting what follows the
    /// start, it says so and its fix points the edge there.
    fn start_with_incoming(&self, start: NodeIndex, incoming: &[EdgeIndex]) -> Diagnostic {
        let drawn = self.drawn;
        let node = drawn.node(start);
        let diagnostic = Diagnostic::new(
            Code::W021,
            format!("start event `{}` has incoming edges", node.id),
            node.id_span,
            "flow comes back into the start",
        )
        .with_label(drawn.edges()[incoming[0].index()].span, "this edge enters it");
        let restarts: Vec<_> = self.analysis.reading.restarts.iter().filter(|restart| restart.start == start).collect();
        let Some(first) = restarts.first() else {
            return diagnostic
                .with_help("a process starts once: let the edge return to the first task after the start instead");
        };
        let next = drawn.edges()[first.next.index()].target;
        let mut diagnostic = diagnostic.with_help(format!(
            "a process starts once: the way back is read as returning to `{}`, the first step after the start; the fix points it there",
            drawn.node(next).id
        ));
        diagnostic.message = format!("{}; read as going round to `{}`", diagnostic.message, drawn.node(next).id);
        for restart in restarts {
            let mut edge = drawn.edges()[restart.edge.index()].clone();
            edge.target = next;
            diagnostic = diagnostic.with_edit(edge.span, drawn.edge_statement(&edge));
        }
        diagnostic
    }

    /// W025 for a node the process leaves out.
    fn left_out(&self, node: NodeIndex, stray_entry: bool) -> Diagnostic {
        let drawn = self.drawn;
        let data = drawn.node(node);
        let entries: Vec<String> =
            self.analysis.flow.sources.iter().map(|&entry| format!("`{}`", drawn.node(entry).id)).collect();
        let starts_at = if entries.is_empty() {
            String::new()
        } else {
            format!(", and the diagram starts at {}", entries.join(", "))
        };
        if !stray_entry {
            return Diagnostic::new(
                Code::W025,
                format!("no start reaches `{}`: it never runs", data.id),
                data.id_span,
                "unreachable",
            )
            .with_help("connect it to the flow from a start event, or delete it; compile leaves it out");
        }
        let mut diagnostic = Diagnostic::new(
            Code::W025,
            format!("`{}` never runs: no edge leads to it{starts_at}", data.id),
            data.id_span,
            "nothing flows into this node",
        )
        .with_help(format!(
            "a node without incoming edges is not a second start: draw the edge that leads to `{}`, or delete it (the fix); compile leaves it out",
            data.id
        ));
        // Deleting it says outright what the reading does, unless a loop
        // names it (the loop would then name a node that is not there).
        let framed = drawn.loops().iter().any(|stmt| stmt.members.contains(&node));
        if !framed {
            diagnostic = diagnostic.with_edit(data.span, "");
            for &edge in &self.drawing.outgoing[node.index()] {
                diagnostic = diagnostic.with_edit(drawn.edges()[edge.index()].span, "");
            }
        }
        diagnostic
    }

    /// W032 for each reply and W033 for each task read as a choice.
    fn readings(&self, out: &mut Vec<Diagnostic>) {
        let drawn = self.drawn;
        for reply in &self.analysis.reading.replies {
            let edge = &drawn.edges()[reply.edge.index()];
            let requester = drawn.node(reply.requester);
            let replier = drawn.node(edge.source);
            let mut diagnostic = Diagnostic::new(
                Code::W032,
                format!(
                    "`{}` -> `{}` is read as the reply to `{}`'s request, not as running `{}` again",
                    replier.id, requester.id, requester.id, requester.id
                ),
                edge.span,
                "the reply",
            )
            .with_label(requester.id_span, "made the request and waits for the reply");
            let targets: Vec<String> =
                reply.continuations.iter().map(|(_, target)| format!("`{}`", drawn.node(*target).id)).collect();
            if targets.is_empty() {
                diagnostic = diagnostic.with_help(format!(
                    "after the reply the flow ends: nothing follows `{}` but its request",
                    requester.id
                ));
            } else {
                // A fix where each continuation is one drawn edge; one that
                // goes on through another reply is fixed once that one is.
                let plain = reply.continuations.iter().all(|(route, _)| route.len() == 1);
                let help = if plain {
                    format!(
                        "`{}` waits for the reply, then goes on to {}: the fix points the reply there and drops `{}`'s own edge, which draws exactly that",
                        requester.id,
                        targets.join(" and "),
                        requester.id
                    )
                } else {
                    format!(
                        "`{}` waits for the reply, then the flow goes on to {} through the reply `{}` sends itself: fix that one first, then this one",
                        requester.id,
                        targets.join(" and "),
                        requester.id
                    )
                };
                diagnostic = diagnostic.with_help(help);
                if plain {
                    let statements: Vec<String> = reply
                        .continuations
                        .iter()
                        .map(|(route, target)| {
                            let continuation = &drawn.edges()[route[0].index()];
                            let mut rewritten = edge.clone();
                            rewritten.target = *target;
                            rewritten.label = edge.label.clone().or_else(|| continuation.label.clone());
                            drawn.edge_statement(&rewritten)
                        })
                        .collect();
                    diagnostic = diagnostic.with_edit(edge.span, statements.join("\n"));
                    for (route, _) in &reply.continuations {
                        diagnostic = diagnostic.with_edit(drawn.edges()[route[0].index()].span, "");
                    }
                }
            }
            out.push(diagnostic);
        }
        for &task in &self.analysis.reading.choices {
            let node = drawn.node(task);
            let mut diagnostic = Diagnostic::new(
                Code::W033,
                format!("task `{}` has labelled outcomes: read as a choice of one, not a fork into all", node.id),
                node.id_span,
                "one of its outgoing edges is taken",
            );
            if let Some(&first) = self.analysis.flow.outgoing[task.index()].first() {
                diagnostic = diagnostic.with_label(self.diagram.edges()[first.index()].span, "an outcome");
            }
            out.push(
                diagnostic
                    .with_help("taken all together, its outgoing edges could not finish properly; make it a diamond to draw a decision")
                    .with_edit(node.shape_span, "diamond"),
            );
        }
    }

    /// W035: a cycle of the process with no task in it asks the same
    /// question again with nothing in between that could change the answer.
    fn cycles_without_tasks(&self, out: &mut Vec<Diagnostic>) {
        let process = self.diagram;
        for mut members in petgraph::algo::kosaraju_scc(&process.graph()) {
            let cyclic = members.len() > 1 || process.graph().find_edge(members[0], members[0]).is_some();
            if !cyclic || members.iter().any(|m| self.analysis.roles[m.index()].kind == Kind::Task) {
                continue;
            }
            members.sort();
            let ids: Vec<&str> = members.iter().map(|&m| self.id(m)).collect();
            let first = members[0];
            out.push(
                Diagnostic::new(
                    Code::W035,
                    format!("the cycle through {} has no task in it", ids.join(", ")),
                    self.span(first),
                    "asked again with nothing in between",
                )
                .with_help(format!(
                    "nothing between two visits of `{}` can change its outcome, so a compiled workflow that goes round once goes round forever: put the step that waits or checks again in the cycle",
                    self.id(first)
                )),
            );
        }
    }
}
