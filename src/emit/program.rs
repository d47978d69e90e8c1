//! A diagram lowered to a workflow program: named states in nested scopes.
//! Both JSON targets (SimWorkflow and Amazon States Language) are
//! serialisations of this one program.
//!
//! Exclusive flow needs no structure: a decision may jump to any state of
//! its own scope, so loops (entered anywhere, sharing nodes) and choices
//! (meeting anywhere) are plain transitions. Only parallel flow needs a
//! block: a Parallel state whose branches are scopes of their own, which
//! nothing outside enters and which all end before the state goes on.
//!
//! So lowering works on a graph of *items* (the process's nodes, collapsed
//! blocks, added joins) and collapses each fork with its join into one
//! block item, innermost first. A fork whose branches cross is regrouped,
//! when its part holds only parallel flow, into nested blocks that wait
//! exactly as drawn or longer (`regroup`), and says so. What is left is the
//! top scope. Every walk here is iterative: nesting depth is the input's.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::algo::dominators;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};

use crate::analysis::outcomes::{self, START_KEY};
use crate::analysis::{Analysis, Kind, Split};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::Diagram;

/// Longest state name either target accepts, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// A compiled workflow: what both SimWorkflow JSON and ASL are written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// The workflow's name.
    pub name: String,
    /// The outermost scope.
    pub main: Scope,
}

/// A `{startTask, tasks}` scope: the whole definition or one branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The name of the state the scope starts at.
    pub start: String,
    /// The states, in diagram order.
    pub states: Vec<State>,
}

/// One state of a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// Its name, unique across the program.
    pub name: String,
    /// The diagram node the state stands for, if any.
    pub node: Option<NodeIndex>,
    /// What it says beyond its name (checklist, owner, system, description).
    pub description: Option<String>,
    /// What it does.
    pub kind: StateKind,
}

/// What follows a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// The state of this name.
    To(String),
    /// The last state of its scope.
    End,
}

/// Where a decision finds its outcome in the data that reaches it: the
/// output of the task before it (`direct`), or, right after a Parallel, the
/// output of any of its branches (`branches`: how many at most).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reads {
    /// The decision reads the output of the task right before it.
    pub direct: bool,
    /// How many branches' outputs of the Parallel right before it it may read.
    pub branches: usize,
}

/// What a state does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateKind {
    /// Work done by a person or a worker: a rectangle, a taskbox, a
    /// decision with one outcome.
    Task {
        /// What follows.
        next: Next,
    },
    /// One outcome is taken: the value under `key` picks a choice
    /// `(value, target)`, else `default`.
    Decision {
        /// The variable that holds the outcome.
        key: String,
        /// Where the outcome is read from.
        reads: Reads,
        /// `(value, target state)` for each outcome but the default.
        choices: Vec<(String, String)>,
        /// The state taken when no choice matches.
        default: String,
    },
    /// Every branch runs; `next` follows when all are done.
    Parallel {
        /// One scope per branch.
        branches: Vec<Scope>,
        /// The state after the join.
        next: String,
    },
    /// The workflow ends successfully.
    Terminate,
    /// Ends its branch doing nothing, where the branch would otherwise end
    /// at a decision or a Parallel (neither may end a scope).
    BranchEnd,
}

/// Builds a `T` for every scope of `main`, innermost first, without
/// recursion (blocks nest as deep as the input): `build(scope, branches)`
/// gets, for each Parallel state of the scope in order, its branches' `T`s.
pub fn fold_scopes<T>(main: &Scope, mut build: impl FnMut(&Scope, Vec<Vec<T>>) -> T) -> Option<T> {
    let mut scopes: Vec<&Scope> = vec![main];
    // For each scope, for each of its Parallel states, its branches' positions.
    let mut children: Vec<Vec<Vec<usize>>> = Vec::new();
    let mut at = 0;
    while at < scopes.len() {
        let mut per_state = Vec::new();
        for state in &scopes[at].states {
            if let StateKind::Parallel { branches, .. } = &state.kind {
                let first = scopes.len();
                scopes.extend(branches.iter());
                per_state.push((first..scopes.len()).collect());
            }
        }
        children.push(per_state);
        at += 1;
    }
    let mut built: Vec<Option<T>> = (0..scopes.len()).map(|_| None).collect();
    for index in (0..scopes.len()).rev() {
        let branches: Vec<Vec<T>> = children[index]
            .iter()
            .map(|positions| positions.iter().filter_map(|&p| built[p].take()).collect())
            .collect();
        built[index] = Some(build(scopes[index], branches));
    }
    built.into_iter().next().flatten()
}

/// A compiled program and the notes about how it was built.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// The program.
    pub program: Program,
    /// Warnings and notes about how it was built (W034, I003).
    pub notes: Vec<Diagnostic>,
}

/// Lowers the process of a diagram that lints without errors. Refuses, with
/// diagnostics naming the fork, its join and the edge that crosses between
/// its branches, a parallel part no nesting of blocks can run.
pub fn lower(drawn: &Diagram, analysis: &Analysis, name: &str) -> Result<Lowered, Vec<Diagnostic>> {
    if let Some(refusal) = super::no_start_refusal(drawn, analysis) {
        return Err(vec![refusal]);
    }
    let diagram = analysis.process(drawn);
    let mut lowering = Lowering::new(diagram, analysis);
    lowering.collapse_blocks()?;
    let main = lowering.emit();
    Ok(Lowered { program: Program { name: name.to_owned(), main }, notes: lowering.notes })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Node(NodeIndex),
    /// A join added to nest parallel blocks: passes control on.
    Barrier,
    Block(usize),
    /// Where a branch ends: its edges went to the block's join.
    BranchEnd,
}

#[derive(Debug, Clone)]
struct Link {
    from: usize,
    to: usize,
    /// The process edge the link stands for (none for added links).
    edge: Option<EdgeIndex>,
    alive: bool,
}

#[derive(Debug, Clone)]
struct Branch {
    entry: usize,
    members: Vec<usize>,
}

#[derive(Debug, Clone)]
struct Block {
    fork: usize,
    branches: Vec<Branch>,
    name: String,
}

/// Why a fork could not be collapsed: the link that crosses between its
/// branches or into one from outside.
#[derive(Debug, Clone, Copy)]
struct Crossing {
    fork: usize,
    join: Option<usize>,
    link: Option<usize>,
}

/// A piece of a regrouped part that nests as one step: a single item, or
/// exclusive flow with one way in and one way out.
#[derive(Debug, Clone)]
struct Unit {
    entry: usize,
    /// The items whose ways out leave the piece, all to the same step, each
    /// with the edge that way out stands for (an outcome keeps its label).
    exits: Vec<(usize, Option<EdgeIndex>)>,
    items: Vec<usize>,
}

/// The pieces of a regrouped part in the order they are nested.
struct PieceOrder {
    /// Piece indices in topological order.
    order: Vec<usize>,
    /// For each position in `order`, the positions of its successors.
    succ: Vec<Vec<usize>>,
    /// For each piece, whether a way out of it goes to the join.
    to_join: Vec<bool>,
    /// For each piece, its entry's place in the diagram, for ties.
    rank: Vec<usize>,
    /// The piece of each item.
    unit_of: HashMap<usize, usize>,
}

/// Parts larger than this are not regrouped (the search is cubic).
const MOST_REGROUPED: usize = 1024;

struct Lowering<'a> {
    diagram: &'a Diagram,
    analysis: &'a Analysis,
    kind: Vec<Item>,
    /// Sort key of each item: output keeps diagram order.
    key: Vec<(usize, u8)>,
    /// The block and branch an item was moved into.
    owner: Vec<Option<(usize, usize)>>,
    links: Vec<Link>,
    out: Vec<Vec<usize>>,
    inc: Vec<Vec<usize>>,
    blocks: Vec<Block>,
    names: Names,
    notes: Vec<Diagnostic>,
}

/// State names: unique across the whole program, at most 80 characters.
struct Names {
    of_node: HashMap<NodeIndex, String>,
    /// The Decision after a task read as a choice.
    of_choice: HashMap<NodeIndex, String>,
    taken: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl Names {
    fn new(diagram: &Diagram, analysis: &Analysis) -> Names {
        let named: Vec<NodeIndex> = diagram
            .node_indices()
            .filter(|&n| analysis.reading.in_process[n.index()])
            .filter(|&n| matches!(analysis.roles[n.index()].kind, Kind::Task | Kind::Decision | Kind::End))
            .collect();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for &node in &named {
            *counts.entry(outcomes::title(diagram, node)).or_default() += 1;
        }
        let mut of_node = HashMap::new();
        for node in named {
            let label = outcomes::title(diagram, node);
            // A label used twice is told apart by the node id.
            let name = if counts[label] > 1 {
                let suffix = format!(" ({})", diagram.node(node).id);
                format!("{}{suffix}", cut(label, MAX_NAME_CHARS - suffix.chars().count()))
            } else {
                cut(label, MAX_NAME_CHARS)
            };
            of_node.insert(node, name);
        }
        let taken = of_node.values().cloned().collect();
        let mut names = Names { of_node, of_choice: HashMap::new(), taken, next_suffix: HashMap::new() };
        for &node in &analysis.reading.choices {
            let wanted = format!("Outcome of {}", outcomes::title(diagram, node));
            let name = names.fresh(&wanted);
            names.of_choice.insert(node, name);
        }
        names
    }

    /// A name not used yet, from `wanted`.
    fn fresh(&mut self, wanted: &str) -> String {
        let base = cut(wanted, MAX_NAME_CHARS);
        let mut name = base.clone();
        // Numbering goes on where the last name from this base stopped, so
        // a thousand `Branch end`s cost no more than one each.
        let n = self.next_suffix.entry(base.clone()).or_insert(2);
        while self.taken.contains(&name) {
            let suffix = format!(" {}", *n);
            name = format!("{}{suffix}", cut(&base, MAX_NAME_CHARS - suffix.len()));
            *n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect::<String>().trim_end().to_owned()
}

/// One depth-first search over the live items from the entries.
struct Search {
    /// Items reached, in reverse postorder: a topological order of the
    /// graph without the links that close cycles.
    order: Vec<usize>,
    position: Vec<usize>,
    is_back: Vec<bool>,
}

impl<'a> Lowering<'a> {
    fn new(diagram: &'a Diagram, analysis: &'a Analysis) -> Lowering<'a> {
        let count = diagram.nodes().len();
        let mut lowering = Lowering {
            diagram,
            analysis,
            kind: (0..count).map(|n| Item::Node(NodeIndex::new(n))).collect(),
            key: (0..count).map(|n| (n, 1)).collect(),
            owner: vec![None; count],
            links: Vec::with_capacity(diagram.edges().len()),
            out: vec![Vec::new(); count],
            inc: vec![Vec::new(); count],
            blocks: Vec::new(),
            names: Names::new(diagram, analysis),
            notes: Vec::new(),
        };
        for (index, edge) in diagram.edges().iter().enumerate() {
            lowering.link(edge.source.index(), edge.target.index(), Some(EdgeIndex::new(index)));
        }
        lowering
    }

    fn item(&mut self, kind: Item, key: (usize, u8)) -> usize {
        self.kind.push(kind);
        self.key.push(key);
        self.owner.push(None);
        self.out.push(Vec::new());
        self.inc.push(Vec::new());
        self.kind.len() - 1
    }

    fn link(&mut self, from: usize, to: usize, edge: Option<EdgeIndex>) -> usize {
        self.links.push(Link { from, to, edge, alive: true });
        let id = self.links.len() - 1;
        self.out[from].push(id);
        self.inc[to].push(id);
        id
    }

    fn outs(&self, item: usize) -> Vec<usize> {
        self.out[item].iter().copied().filter(|&l| self.links[l].alive).collect()
    }

    fn ins(&self, item: usize) -> Vec<usize> {
        self.inc[item].iter().copied().filter(|&l| self.links[l].alive).collect()
    }

    fn role_split(&self, item: usize) -> Split {
        match self.kind[item] {
            Item::Node(node) => self.analysis.roles[node.index()].split,
            _ => Split::None,
        }
    }

    fn is_fork(&self, item: usize) -> bool {
        let forks = match self.kind[item] {
            Item::Node(_) => self.role_split(item) != Split::Exclusive,
            Item::Barrier => true,
            Item::Block(_) | Item::BranchEnd => false,
        };
        forks && self.outs(item).len() >= 2
    }

    fn entries(&self) -> Vec<usize> {
        self.analysis.flow.sources.iter().map(|node| node.index()).collect()
    }

    fn search(&self) -> Search {
        let count = self.kind.len();
        let mut position = vec![usize::MAX; count];
        let mut is_back = vec![false; self.links.len()];
        let mut postorder = Vec::new();
        let mut state = vec![0u8; count]; // 0 new, 1 on stack, 2 done
        for root in self.entries() {
            if state[root] != 0 {
                continue;
            }
            state[root] = 1;
            let mut stack = vec![(root, self.outs(root), 0usize)];
            while let Some((item, outs, next)) = stack.last_mut() {
                if let Some(&link) = outs.get(*next) {
                    *next += 1;
                    let target = self.links[link].to;
                    match state[target] {
                        0 => {
                            state[target] = 1;
                            let target_outs = self.outs(target);
                            stack.push((target, target_outs, 0));
                        }
                        1 => is_back[link] = true,
                        _ => {}
                    }
                } else {
                    state[*item] = 2;
                    postorder.push(*item);
                    stack.pop();
                }
            }
        }
        postorder.reverse();
        for (at, &item) in postorder.iter().enumerate() {
            position[item] = at;
        }
        Search { order: postorder, position, is_back }
    }

    /// The immediate post-dominator of every reached item in the graph
    /// without the links that close cycles; `None`: the end.
    fn post_dominators(&self, search: &Search) -> Vec<Option<usize>> {
        let reached = search.order.len();
        let mut graph = DiGraph::<(), ()>::with_capacity(reached + 1, self.links.len() + reached);
        for _ in 0..=reached {
            graph.add_node(());
        }
        let sink = NodeIndex::new(reached);
        for &item in &search.order {
            // Only items with no way on at all end the flow: one whose ways
            // on all go round a loop is no end, and stays off the sink.
            let leaves = self.outs(item).is_empty();
            for link in self.outs(item) {
                if search.is_back[link] {
                    continue;
                }
                let target = self.links[link].to;
                if search.position[target] != usize::MAX {
                    graph.add_edge(NodeIndex::new(search.position[target]), NodeIndex::new(search.position[item]), ());
                }
            }
            if leaves {
                graph.add_edge(sink, NodeIndex::new(search.position[item]), ());
            }
        }
        let tree = dominators::simple_fast(&graph, sink);
        let mut ipdom = vec![None; self.kind.len()];
        for &item in &search.order {
            let up = tree.immediate_dominator(NodeIndex::new(search.position[item]));
            ipdom[item] = up.filter(|&n| n != sink).map(|n| search.order[n.index()]);
        }
        ipdom
    }

    /// Collapses every fork with its join into a block, innermost first,
    /// regrouping crossing parts where they hold only parallel flow.
    fn collapse_blocks(&mut self) -> Result<(), Vec<Diagnostic>> {
        let mut regrouped_forks = HashSet::new();
        loop {
            let search = self.search();
            let ipdom = self.post_dominators(&search);
            let mut forks: Vec<usize> = search.order.iter().copied().filter(|&item| self.is_fork(item)).collect();
            // Inner forks come later in a topological order.
            forks.reverse();
            let mut collapsed = false;
            let mut failed: Vec<Crossing> = Vec::new();
            for fork in forks {
                let join = ipdom[fork];
                if join.is_some_and(|j| self.owner[j].is_some()) {
                    failed.push(Crossing { fork, join, link: None });
                    continue;
                }
                match self.try_collapse(fork, join) {
                    Ok(()) => collapsed = true,
                    Err(crossing) => failed.push(crossing),
                }
            }
            if failed.is_empty() {
                return Ok(());
            }
            // Collapses change the graph the search describes: look again
            // before regrouping what still fails.
            if collapsed {
                continue;
            }
            // The smallest part around a failed fork that can be regrouped:
            // failed forks are in inner-first order already.
            let mut blocked = Vec::new();
            let mut regrouped = false;
            // Parts apart from each other are regrouped in the same round;
            // one that holds what this round already changed waits for the
            // next search.
            let known = self.kind.len();
            let mut changed: HashSet<usize> = HashSet::new();
            for crossing in &failed {
                if regrouped_forks.contains(&crossing.fork) {
                    // Regrouping nests a part for good; a second time would loop.
                    blocked.push((*crossing, "its branches still cross after regrouping".to_owned()));
                    continue;
                }
                match self.regroup(crossing.fork, ipdom[crossing.fork], known, &mut changed) {
                    Ok(true) => {
                        regrouped_forks.insert(crossing.fork);
                        regrouped = true;
                    }
                    Ok(false) => regrouped = true,
                    Err(reason) => blocked.push((*crossing, reason)),
                }
            }
            if !regrouped {
                return Err(vec![self.refusal(&failed, &blocked)]);
            }
        }
    }

    /// Moves the branches of `fork` into a block when they are apart: no
    /// item in two branches, nothing outside entering one, every way out
    /// leading to `join` (`None`: the branches end on their own).
    fn try_collapse(&mut self, fork: usize, join: Option<usize>) -> Result<(), Crossing> {
        let fail = |link| Crossing { fork, join, link };
        let mut branch_of: HashMap<usize, usize> = HashMap::new();
        let mut branches: Vec<Branch> = Vec::new();
        for first_link in self.outs(fork) {
            let first = self.links[first_link].to;
            if Some(first) == join {
                continue; // an empty branch: nothing to run
            }
            let number = branches.len();
            let mut members = Vec::new();
            let mut queue = VecDeque::from([(first, first_link)]);
            while let Some((item, via)) = queue.pop_front() {
                if item == fork || (item != first && self.is_fork(item)) {
                    return Err(fail(Some(via)));
                }
                match branch_of.get(&item) {
                    Some(&other) if other == number => continue,
                    Some(_) => return Err(fail(Some(via))),
                    None => {}
                }
                branch_of.insert(item, number);
                members.push(item);
                for link in self.outs(item) {
                    let target = self.links[link].to;
                    if Some(target) != join {
                        queue.push_back((target, link));
                    }
                }
            }
            if self.is_fork(first) {
                return Err(fail(Some(first_link)));
            }
            branches.push(Branch { entry: first, members });
        }
        for (number, branch) in branches.iter().enumerate() {
            for &member in &branch.members {
                for link in self.ins(member) {
                    let source = self.links[link].from;
                    let inside = branch_of.get(&source) == Some(&number) || (source == fork && member == branch.entry);
                    if !inside {
                        return Err(fail(Some(link)));
                    }
                }
            }
        }

        let name = self.block_name(fork);
        let block = self.blocks.len();
        let block_item = self.item(Item::Block(block), (self.key[fork].0, 3));
        for link in self.outs(fork) {
            self.links[link].alive = false;
        }
        self.link(fork, block_item, None);
        for (number, branch) in branches.iter().enumerate() {
            let end = self.item(Item::BranchEnd, (usize::MAX, 0));
            self.owner[end] = Some((block, number));
            for &member in &branch.members {
                self.owner[member] = Some((block, number));
                for link in self.outs(member) {
                    if Some(self.links[link].to) == join {
                        self.links[link].alive = false;
                        let edge = self.links[link].edge;
                        self.link(member, end, edge);
                    }
                }
            }
        }
        if let Some(join) = join {
            self.link(block_item, join, None);
        }
        self.blocks.push(Block { fork, branches, name });
        Ok(())
    }

    fn block_name(&mut self, fork: usize) -> String {
        let wanted = match self.kind[fork] {
            Item::Node(node) => match self.names.of_node.get(&node) {
                Some(name) => format!("Parallel after {name}"),
                None => format!("Parallel from {}", outcomes::title(self.diagram, node)),
            },
            _ => {
                let firsts: Vec<String> =
                    self.outs(fork).iter().map(|&link| self.item_title(self.links[link].to)).collect();
                format!("Parallel: {}", firsts.join(", "))
            }
        };
        self.names.fresh(&wanted)
    }

    fn item_title(&self, item: usize) -> String {
        match self.kind[item] {
            Item::Node(node) => outcomes::title(self.diagram, node).to_owned(),
            Item::Block(block) => self.blocks[block].name.clone(),
            Item::Barrier | Item::BranchEnd => "…".to_owned(),
        }
    }

    fn item_id(&self, item: usize) -> String {
        match self.kind[item] {
            Item::Node(node) => format!("`{}`", self.diagram.node(node).id),
            Item::Block(block) => match self.kind[self.blocks[block].fork] {
                Item::Node(node) => format!("(the block after `{}`)", self.diagram.node(node).id),
                _ => "(a block)".to_owned(),
            },
            Item::Barrier | Item::BranchEnd => "(a join)".to_owned(),
        }
    }

    /// Rewrites the part between `fork` and `join` as nested blocks when it
    /// has no other way in or out and its exclusive flow (decisions, loops)
    /// keeps to pieces with one way in and one way out, which are nested as
    /// single steps; reports what was added. `Err` says why not.
    /// `Ok(false)`: the part holds items this round changed (`changed`, or
    /// made after the search: index `known` on); try again next round.
    fn regroup(
        &mut self,
        fork: usize,
        join: Option<usize>,
        known: usize,
        changed: &mut HashSet<usize>,
    ) -> Result<bool, String> {
        let (members, index_of) = self.part_between(fork, join)?;
        let touched = |item: usize| item >= known || changed.contains(&item);
        if touched(fork) || join.is_some_and(touched) || members.iter().any(|&m| touched(m)) {
            return Ok(false);
        }
        for &member in &members {
            for link in self.ins(member) {
                let source = self.links[link].from;
                if source != fork && !index_of.contains_key(&source) {
                    return Err("another path enters it from outside".to_owned());
                }
            }
        }
        let units = self.exclusive_pieces(fork, join, &members, &index_of)?;
        let pieces = self.order_pieces(&units)?;
        let desc = descendants(&pieces.succ);
        let anc = ancestors(&desc, units.len());
        let implied = self.implied_waits(&units, &pieces, &desc, join);
        let ranks: Vec<usize> = pieces.order.iter().map(|&u| pieces.rank[u]).collect();
        let (tree, added) = series_parallel(&desc, &anc, &ranks);
        let shape = describe(&tree, &|i| self.unit_id(&units[pieces.order[i]]));

        changed.insert(fork);
        changed.extend(members.iter().copied());
        if let Some(join) = join {
            changed.insert(join);
        }
        self.relink(&units, &pieces, &tree, fork, join);
        let name_of = |i: usize| self.unit_id(&units[pieces.order[i]]);
        let added: Vec<(String, String)> =
            added.iter().map(|&(a, b)| (name_of(a), self.item_id(units[pieces.order[b]].entry))).collect();
        self.note_regrouping(fork, join, &shape, &added, &implied);
        Ok(true)
    }

    /// Everything `fork` reaches before `join`, in the order reached, with
    /// each item's position in that list.
    fn part_between(&self, fork: usize, join: Option<usize>) -> Result<(Vec<usize>, HashMap<usize, usize>), String> {
        let mut members: Vec<usize> = Vec::new();
        let mut index_of: HashMap<usize, usize> = HashMap::new();
        let mut queue: VecDeque<usize> = self.outs(fork).iter().map(|&l| self.links[l].to).collect();
        while let Some(item) = queue.pop_front() {
            if Some(item) == join || index_of.contains_key(&item) {
                continue;
            }
            if item == fork {
                return Err("its branches lead back to the fork".to_owned());
            }
            if members.len() >= MOST_REGROUPED {
                return Err(format!("the part holds more than {MOST_REGROUPED} steps"));
            }
            index_of.insert(item, members.len());
            members.push(item);
            queue.extend(self.outs(item).iter().map(|&l| self.links[l].to));
        }
        Ok((members, index_of))
    }

    /// The pieces in a topological order (the diagram's order on ties); a
    /// cycle between pieces cannot be nested.
    fn order_pieces(&self, units: &[Unit]) -> Result<PieceOrder, String> {
        let mut unit_of: HashMap<usize, usize> = HashMap::new();
        for (u, unit) in units.iter().enumerate() {
            for &item in &unit.items {
                unit_of.insert(item, u);
            }
        }
        let count = units.len();
        let mut unit_succ: Vec<Vec<usize>> = vec![Vec::new(); count];
        let mut indegree = vec![0usize; count];
        let mut to_join = vec![false; count];
        for (u, unit) in units.iter().enumerate() {
            for &item in &unit.items {
                for link in self.outs(item) {
                    let target = self.links[link].to;
                    match unit_of.get(&target) {
                        Some(&v) if v != u => {
                            if !unit_succ[u].contains(&v) {
                                unit_succ[u].push(v);
                                indegree[v] += 1;
                            }
                        }
                        Some(_) => {}
                        None => to_join[u] = true,
                    }
                }
            }
        }
        let rank: Vec<usize> = units.iter().map(|unit| self.key[unit.entry].0).collect();
        let mut ready: std::collections::BTreeSet<(usize, usize)> =
            (0..count).filter(|&u| indegree[u] == 0).map(|u| (rank[u], u)).collect();
        let mut order = Vec::with_capacity(count);
        while let Some(first) = ready.pop_first() {
            let u = first.1;
            order.push(u);
            for &v in &unit_succ[u] {
                indegree[v] -= 1;
                if indegree[v] == 0 {
                    ready.insert((rank[v], v));
                }
            }
        }
        if order.len() < count {
            let stuck = (0..count).find(|u| !order.contains(u)).unwrap_or(0);
            return Err(format!("the part holds a cycle through {}", self.item_id(units[stuck].entry)));
        }
        let mut position = vec![0; count];
        for (at, &u) in order.iter().enumerate() {
            position[u] = at;
        }
        let succ = order.iter().map(|&u| unit_succ[u].iter().map(|&v| position[v]).collect()).collect();
        Ok(PieceOrder { order, succ, to_join, rank, unit_of })
    }

    /// Waits the drawing implies twice over: an edge to a step that an
    /// edge's sibling already reaches. Dropping them changes nothing.
    fn implied_waits(
        &self,
        units: &[Unit],
        pieces: &PieceOrder,
        desc: &[Bits],
        join: Option<usize>,
    ) -> Vec<(String, String)> {
        let mut implied: Vec<(String, String)> = Vec::new();
        for (i, next) in pieces.succ.iter().enumerate() {
            let unit = &units[pieces.order[i]];
            for &j in next {
                if next.iter().any(|&x| x != j && bit(&desc[x], j)) {
                    implied.push((self.unit_id(unit), self.item_id(units[pieces.order[j]].entry)));
                }
            }
            if pieces.to_join[pieces.order[i]] && !next.is_empty() {
                if let Some(join) = join {
                    implied.push((self.unit_id(unit), self.item_id(join)));
                }
            }
        }
        implied
    }

    /// Replaces every link between pieces (and from the fork, and to the
    /// join) by the links of the nested blocks of `tree`; a piece keeps its
    /// inside.
    fn relink(&mut self, units: &[Unit], pieces: &PieceOrder, tree: &[Sp], fork: usize, join: Option<usize>) {
        for link in self.outs(fork) {
            self.links[link].alive = false;
        }
        for (u, unit) in units.iter().enumerate() {
            for &item in &unit.items {
                for link in self.outs(item) {
                    if pieces.unit_of.get(&self.links[link].to) != Some(&u) {
                        self.links[link].alive = false;
                    }
                }
            }
        }
        let mut ends: Vec<(usize, Vec<usize>)> = Vec::with_capacity(units.len());
        let mut exit_edges: HashMap<usize, Vec<EdgeIndex>> = HashMap::new();
        for &u in &pieces.order {
            let mut exits: Vec<usize> = Vec::new();
            for &(item, edge) in &units[u].exits {
                if !exits.contains(&item) {
                    exits.push(item);
                }
                if let Some(edge) = edge {
                    exit_edges.entry(item).or_default().push(edge);
                }
            }
            ends.push((units[u].entry, exits));
        }
        let key = self.key[fork].0;
        self.materialise(tree, fork, join, &ends, &exit_edges, key);
    }

    /// Says how a crossing part was compiled: I003 when nothing waits
    /// longer than drawn, W034 naming the added waits otherwise.
    fn note_regrouping(
        &mut self,
        fork: usize,
        join: Option<usize>,
        shape: &str,
        added: &[(String, String)],
        implied: &[(String, String)],
    ) {
        let (code, summary) = if added.is_empty() {
            (Code::I003, "no step waits longer than drawn".to_owned())
        } else {
            let waits: Vec<String> = added.iter().take(4).map(|(a, b)| format!("{b} waits for {a}")).collect();
            let more = if added.len() > 4 { format!(" and {} more", added.len() - 4) } else { String::new() };
            (Code::W034, format!("added synchronisation: {}{more}", waits.join(", ")))
        };
        let mut message = format!(
            "the parallel part from {} to {} is compiled as {shape}: {summary}",
            self.item_id(fork),
            join.map_or("the end".to_owned(), |j| self.item_id(j))
        );
        if !implied.is_empty() {
            let dropped: Vec<String> = implied.iter().take(3).map(|(a, b)| format!("{a} -> {b}")).collect();
            message.push_str(&format!("; implied by longer paths, so dropped: {}", dropped.join(", ")));
        }
        let Some(span) = self.item_span(fork) else { return };
        let mut note = Diagnostic::new(code, message, span, "its branches cross");
        if let Some(span) = join.and_then(|j| self.item_span(j)) {
            note = note.with_label(span, "where they are joined");
        }
        let help = if code == Code::W034 {
            "a workflow definition nests Parallel blocks, so crossing branches are regrouped; to avoid the extra waiting, draw the branches so that each fork's branches meet at one join"
        } else {
            "a workflow definition nests Parallel blocks: the crossing branches are regrouped into nested blocks that wait for exactly what the diagram waits for"
        };
        self.notes.push(note.with_help(help));
    }

    fn unit_id(&self, unit: &Unit) -> String {
        if unit.items.len() == 1 {
            self.item_id(unit.entry)
        } else {
            format!("{}…", self.item_id(unit.entry))
        }
    }

    /// The part's steps as pieces to nest: each decision and each loop goes
    /// into the smallest piece around it with one way in (its entry) and
    /// one way out (from its exit, to one step); every other step is a
    /// piece of its own. `Err` when some decision or loop has no such piece.
    fn exclusive_pieces(
        &self,
        fork: usize,
        join: Option<usize>,
        members: &[usize],
        index_of: &HashMap<usize, usize>,
    ) -> Result<Vec<Unit>, String> {
        let k = members.len();
        let (root, out) = (0, k + 1);
        let graph = self.local_part_graph(fork, members, index_of);
        let dom = dominators::simple_fast(&graph, NodeIndex::new(root));
        let pdom = dominators::simple_fast(petgraph::visit::Reversed(&graph), NodeIndex::new(out));
        let cyclic = on_cycles(&graph);
        let chain = |tree: &dominators::Dominators<NodeIndex>, from: usize, stop: usize| {
            let mut nodes = vec![from];
            let mut at = NodeIndex::new(from);
            while nodes.len() < 8 {
                match tree.immediate_dominator(at) {
                    Some(up) if up.index() != stop => {
                        nodes.push(up.index());
                        at = up;
                    }
                    _ => break,
                }
            }
            nodes
        };
        let mut pieces: Vec<Unit> = Vec::new();
        for (i, &member) in members.iter().enumerate() {
            let seed = self.role_split(member) == Split::Exclusive || cyclic[i + 1];
            if !seed || pieces.iter().any(|piece| piece.items.contains(&member)) {
                continue;
            }
            let entries = chain(&dom, i + 1, root);
            let mut afters = chain(&pdom, i + 1, out);
            afters.remove(0);
            afters.push(out);
            let mut found = None;
            'search: for size in 0..entries.len() + afters.len() {
                for (a, &entry) in entries.iter().enumerate() {
                    let Some(&after) = afters.get(size.wrapping_sub(a)) else { continue };
                    let after = (after != out).then(|| members[after - 1]);
                    if let Some(piece) = self.piece(members[entry - 1], after, fork, join) {
                        found = Some(piece);
                        break 'search;
                    }
                }
            }
            let Some(piece) = found else {
                let what = if cyclic[i + 1] { "a loop through" } else { "the decision" };
                return Err(format!(
                    "the part holds {what} {} whose paths cross its parallel branches",
                    self.item_id(member)
                ));
            };
            // A larger piece swallows the smaller ones it holds.
            pieces.retain(|other| !other.items.iter().all(|item| piece.items.contains(item)));
            if pieces.iter().any(|other| other.items.iter().any(|item| piece.items.contains(item))) {
                return Err(format!("the decisions and loops around {} overlap", self.item_id(member)));
            }
            pieces.push(piece);
        }
        let mut units = pieces;
        for &member in members {
            if !units.iter().any(|unit| unit.items.contains(&member)) {
                units.push(Unit { entry: member, exits: vec![(member, None)], items: vec![member] });
            }
        }
        Ok(units)
    }

    /// The part as a graph of its own: node 0 the fork, 1..=k the
    /// members in order, k + 1 the way out (the join or the end).
    fn local_part_graph(&self, fork: usize, members: &[usize], index_of: &HashMap<usize, usize>) -> DiGraph<(), ()> {
        let k = members.len();
        let (root, out) = (0, k + 1);
        let local = |item: usize| index_of.get(&item).map(|&i| i + 1);
        let mut graph = DiGraph::<(), ()>::with_capacity(k + 2, self.links.len());
        for _ in 0..k + 2 {
            graph.add_node(());
        }
        for link in self.outs(fork) {
            if let Some(m) = local(self.links[link].to) {
                graph.add_edge(NodeIndex::new(root), NodeIndex::new(m), ());
            }
        }
        for (i, &member) in members.iter().enumerate() {
            let outs = self.outs(member);
            if outs.is_empty() {
                graph.add_edge(NodeIndex::new(i + 1), NodeIndex::new(out), ());
            }
            for link in outs {
                let target = local(self.links[link].to).unwrap_or(out);
                graph.add_edge(NodeIndex::new(i + 1), NodeIndex::new(target), ());
            }
        }
        graph
    }

    /// The piece from `entry` up to `after` (`None`: up to the part's
    /// join), if it is one: nothing enters it but at `entry`, everything
    /// leaving it goes to `after`, and no parallel flow is inside.
    fn piece(&self, entry: usize, after: Option<usize>, fork: usize, join: Option<usize>) -> Option<Unit> {
        let stop = after.or(join);
        let mut items = vec![entry];
        let mut seen: HashSet<usize> = HashSet::from([entry]);
        let mut queue = VecDeque::from([entry]);
        let mut exits = Vec::new();
        while let Some(item) = queue.pop_front() {
            if self.is_fork(item) {
                return None;
            }
            let outs = self.outs(item);
            if outs.is_empty() && (after.is_some() || join.is_some()) {
                return None;
            }
            for link in outs {
                let target = self.links[link].to;
                if Some(target) == stop {
                    exits.push((item, self.links[link].edge));
                    continue;
                }
                if target == fork || Some(target) == join {
                    return None;
                }
                if seen.insert(target) {
                    items.push(target);
                    queue.push_back(target);
                }
            }
        }
        for &item in &items {
            if item != entry && self.ins(item).iter().any(|&l| !seen.contains(&self.links[l].from)) {
                return None;
            }
        }
        if exits.is_empty() && join.is_some() {
            return None;
        }
        Some(Unit { entry, exits, items })
    }

    fn item_span(&self, item: usize) -> Option<crate::syntax::Span> {
        match self.kind[item] {
            Item::Node(node) => Some(self.diagram.node(node).id_span),
            _ => None,
        }
    }

    /// Links the part's members as `tree` says, from `fork` to `join`.
    fn materialise(
        &mut self,
        tree: &[Sp],
        fork: usize,
        join: Option<usize>,
        pieces: &[(usize, Vec<usize>)],
        exit_edges: &HashMap<usize, Vec<EdgeIndex>>,
        key: usize,
    ) {
        // Entries and exits of every tree node, children before parents.
        let mut ends: Vec<(Vec<usize>, Vec<usize>)> = vec![(Vec::new(), Vec::new()); tree.len()];
        for (id, node) in tree.iter().enumerate().rev() {
            ends[id] = match node {
                Sp::Leaf(i) => (vec![pieces[*i].0], pieces[*i].1.clone()),
                Sp::Par(children) => {
                    let mut entries = Vec::new();
                    let mut exits = Vec::new();
                    for &child in children {
                        // A branch has one first step: a branch that starts
                        // with steps side by side gets a fork of its own.
                        if ends[child].0.len() > 1 {
                            let firsts = std::mem::take(&mut ends[child].0);
                            let before = firsts.iter().map(|&f| self.key[f].0).min().unwrap_or(key);
                            let split = self.item(Item::Barrier, (before, 0));
                            for &first in &firsts {
                                self.link(split, first, None);
                            }
                            ends[child].0 = vec![split];
                        }
                        entries.extend(ends[child].0.iter().copied());
                        exits.extend(ends[child].1.iter().copied());
                    }
                    (entries, exits)
                }
                Sp::Seq(children) => match (children.first(), children.last()) {
                    (Some(&first), Some(&last)) => (ends[first].0.clone(), ends[last].1.clone()),
                    _ => (Vec::new(), Vec::new()),
                },
            };
        }
        // Only what the root still holds: flattening leaves old nodes behind.
        let mut held = vec![false; tree.len()];
        let mut stack = vec![0];
        while let Some(id) = stack.pop() {
            if id < tree.len() && !held[id] {
                held[id] = true;
                if let Sp::Seq(children) | Sp::Par(children) = &tree[id] {
                    stack.extend(children.iter().copied());
                }
            }
        }
        for (id, node) in tree.iter().enumerate() {
            if !held[id] {
                continue;
            }
            if let Sp::Seq(children) = node {
                for pair in children.windows(2) {
                    let (exits, entries) = (ends[pair[0]].1.clone(), ends[pair[1]].0.clone());
                    self.connect(&exits, &entries, exit_edges, key);
                }
            }
        }
        if let Some((entries, exits)) = ends.first().cloned() {
            self.connect(&[fork], &entries, exit_edges, key);
            if let Some(join) = join {
                self.connect(&exits, &[join], exit_edges, key);
            }
        }
    }

    /// Every item of `from` before every item of `to`: direct links when one
    /// side is a single item, else through an added join.
    /// A piece that ends in a decision keeps the edge of its way out, which
    /// names that outcome (`exit_edges`).
    fn connect(&mut self, from: &[usize], to: &[usize], exit_edges: &HashMap<usize, Vec<EdgeIndex>>, key: usize) {
        if from.len() > 1 && to.len() > 1 {
            // Placed in the output after the last step it waits for.
            let after = from.iter().map(|&a| self.key[a].0).filter(|&k| k != usize::MAX).max().unwrap_or(key);
            let barrier = self.item(Item::Barrier, (after, 2));
            for &a in from {
                for edge in ways_out(exit_edges, a) {
                    self.link(a, barrier, edge);
                }
            }
            for &b in to {
                self.link(barrier, b, None);
            }
        } else {
            for &a in from {
                for &b in to {
                    for edge in ways_out(exit_edges, a) {
                        self.link(a, b, edge);
                    }
                }
            }
        }
    }

    /// E024 for the outermost fork that could not be nested.
    fn refusal(&self, failed: &[Crossing], blocked: &[(Crossing, String)]) -> Diagnostic {
        let Some(&outer) = failed.last() else {
            return Diagnostic::internal("a parallel part was refused without the fork it failed at");
        };
        let span = self.item_span(outer.fork).or_else(|| failed.iter().find_map(|c| self.item_span(c.fork)));
        let Some(span) = span else {
            return Diagnostic::internal("a parallel part that cannot be nested has no fork in the file");
        };
        let mut diagnostic = Diagnostic::new(
            Code::E024,
            format!(
                "cannot compile: the parallel part from {} to {} cannot be written as nested Parallel blocks",
                self.item_id(outer.fork),
                outer.join.map_or("the end".to_owned(), |j| self.item_id(j))
            ),
            span,
            "its branches part here…",
        );
        if let Some(span) = outer.join.and_then(|j| self.item_span(j)) {
            diagnostic = diagnostic.with_label(span, "…and should meet here");
        }
        let crossing = failed.iter().find_map(|c| c.link).and_then(|link| self.links[link].edge);
        if let Some(edge) = crossing {
            diagnostic =
                diagnostic.with_label(self.diagram.edges()[edge.index()].span, "this edge crosses between branches");
        }
        let reason = blocked.iter().rev().map(|(_, reason)| reason.as_str()).next().unwrap_or("its branches cross");
        diagnostic.with_help(format!(
            "a workflow definition nests Parallel blocks, whose branches stay apart until one join; crossing branches are regrouped only when they hold nothing but parallel steps, and here {reason}. Make the branches meet at one join, or compile to BPMN, which needs no nesting"
        ))
    }

    /// Builds the scopes, innermost blocks first (a block only holds blocks
    /// made before it), then the top scope.
    fn emit(&mut self) -> Scope {
        // Each scope's items, listed once: a scope is a block's branch, or the top.
        let mut members: HashMap<Option<(usize, usize)>, Vec<usize>> = HashMap::new();
        for (item, owner) in self.owner.iter().enumerate() {
            members.entry(*owner).or_default().push(item);
        }
        let mut emitter = Emitter { lowering: self, branch_scopes: Vec::new(), done: None, members };
        for block in 0..emitter.lowering.blocks.len() {
            let mut scopes = Vec::new();
            for number in 0..emitter.lowering.blocks[block].branches.len() {
                let entry = emitter.lowering.blocks[block].branches[number].entry;
                let scope = emitter.scope(Some((block, number)), &[entry]);
                if let Some(scope) = scope {
                    scopes.push(scope);
                }
            }
            emitter.branch_scopes.push(Some(scopes));
        }
        let entries = emitter.lowering.entries();
        emitter.scope(None, &entries).unwrap_or_else(|| Scope { start: String::new(), states: Vec::new() })
    }
}

/// Where a transition goes, seen from one scope.
enum Target {
    State(String),
    /// Its scope ends: a branch's end, or the end of the workflow.
    ScopeEnd,
}

struct Emitter<'l, 'a> {
    lowering: &'l mut Lowering<'a>,
    /// Each block's branch scopes, taken when its Parallel state is built.
    branch_scopes: Vec<Option<Vec<Scope>>>,
    /// The top scope's generated `Terminate`, once made.
    done: Option<String>,
    members: HashMap<Option<(usize, usize)>, Vec<usize>>,
}

/// States of one scope being built, with their sort keys.
struct ScopeStates {
    owner: Option<(usize, usize)>,
    states: Vec<((usize, u8), State)>,
    branch_end: Option<String>,
}

impl Emitter<'_, '_> {
    /// Where control goes when it reaches `item`: past events and added
    /// joins to the first state, or out of the scope.
    fn resolve(&self, mut item: usize, scope: Option<(usize, usize)>) -> Target {
        let l = &*self.lowering;
        let mut seen = HashSet::new();
        loop {
            if !seen.insert(item) {
                return Target::ScopeEnd;
            }
            match l.kind[item] {
                Item::BranchEnd => return Target::ScopeEnd,
                Item::Block(block) => return Target::State(l.blocks[block].name.clone()),
                Item::Barrier => {}
                Item::Node(node) => match l.analysis.roles[node.index()].kind {
                    Kind::Task | Kind::Decision => return Target::State(l.names.of_node[&node].clone()),
                    Kind::End if scope.is_none() => return Target::State(l.names.of_node[&node].clone()),
                    Kind::End => return Target::ScopeEnd,
                    Kind::Start | Kind::Intermediate => {}
                },
            }
            match l.outs(item).first() {
                Some(&link) => item = l.links[link].to,
                None => return Target::ScopeEnd,
            }
        }
    }

    /// The name a transition out of the scope goes to, where a Decision or
    /// a Parallel needs one: the branch's no-op end, or the workflow's end.
    fn scope_end(&mut self, states: &mut ScopeStates) -> String {
        if states.owner.is_some() {
            if let Some(name) = &states.branch_end {
                return name.clone();
            }
            let name = self.lowering.names.fresh("Branch end");
            states.states.push((
                (usize::MAX, 0),
                State { name: name.clone(), node: None, description: None, kind: StateKind::BranchEnd },
            ));
            states.branch_end = Some(name.clone());
            return name;
        }
        if let Some(name) = &self.done {
            return name.clone();
        }
        let name = self.lowering.names.fresh("Done");
        states.states.push((
            (usize::MAX, 1),
            State { name: name.clone(), node: None, description: None, kind: StateKind::Terminate },
        ));
        self.done = Some(name.clone());
        name
    }

    fn name_of(&mut self, target: Target, states: &mut ScopeStates) -> String {
        match target {
            Target::State(name) => name,
            Target::ScopeEnd => self.scope_end(states),
        }
    }

    fn next_of(&self, item: usize, scope: Option<(usize, usize)>) -> Next {
        match self.lowering.outs(item).first() {
            Some(&link) => match self.resolve(self.lowering.links[link].to, scope) {
                Target::State(name) => Next::To(name),
                Target::ScopeEnd => Next::End,
            },
            None => Next::End,
        }
    }

    /// The Decision state choosing between the outgoing links of `item`.
    fn decision(
        &mut self,
        item: usize,
        key: String,
        name: String,
        node: Option<NodeIndex>,
        states: &mut ScopeStates,
    ) -> State {
        // In the diagram's edge order, which the outcome rule reads; links
        // moved to a branch end were re-made and sit last otherwise.
        let mut links: Vec<usize> =
            self.lowering.outs(item).into_iter().filter(|&l| self.lowering.links[l].edge.is_some()).collect();
        links.sort_by_key(|&l| self.lowering.links[l].edge);
        let edges: Vec<EdgeIndex> = links.iter().filter_map(|&l| self.lowering.links[l].edge).collect();
        let outcomes = outcomes::outcomes(self.lowering.diagram, &edges);
        let mut choices = Vec::new();
        let mut default = String::new();
        for (outcome, &link) in outcomes.iter().zip(&links) {
            let target = self.resolve(self.lowering.links[link].to, states.owner);
            let target = self.name_of(target, states);
            if outcome.is_default {
                default = target;
            } else {
                choices.push((outcome.value.clone(), target));
            }
        }
        State {
            name,
            node,
            description: None,
            kind: StateKind::Decision { key, reads: Reads::default(), choices, default },
        }
    }

    /// The states of the scope `owner` (`None`: the top), entered at
    /// `entries` (several: a leading choice between them). `None` when the
    /// scope would run nothing.
    fn scope(&mut self, owner: Option<(usize, usize)>, entries: &[usize]) -> Option<Scope> {
        let mut states = ScopeStates { owner, states: Vec::new(), branch_end: None };
        let mut items: Vec<usize> = self.members.remove(&owner).unwrap_or_default();
        items.retain(|&i| self.is_live(i));
        items.sort_by_key(|&i| (self.lowering.key[i], i));
        for item in items {
            self.state_of(item, &mut states);
        }
        let start = match entries {
            [] if owner.is_some() => return None,
            [] => self.scope_end(&mut states),
            [entry] => match self.resolve(*entry, owner) {
                Target::State(name) => name,
                Target::ScopeEnd if owner.is_some() => return None,
                Target::ScopeEnd => self.scope_end(&mut states),
            },
            [first, rest @ ..] => {
                let name = self.lowering.names.fresh("Choose start");
                let mut choices = Vec::new();
                for &entry in rest {
                    let target = self.resolve(entry, owner);
                    let target = self.name_of(target, &mut states);
                    choices.push((self.entry_value(entry), target));
                }
                let target = self.resolve(*first, owner);
                let default = self.name_of(target, &mut states);
                let kind = StateKind::Decision { key: START_KEY.to_owned(), reads: Reads::default(), choices, default };
                states.states.push(((0, 0), State { name: name.clone(), node: None, description: None, kind }));
                name
            }
        };
        let mut sorted = states.states;
        sorted.sort_by_key(|(key, _)| *key);
        let mut states: Vec<State> = sorted.into_iter().map(|(_, state)| state).collect();
        mark_reads(&mut states, &start);
        Some(Scope { start, states })
    }

    fn entry_value(&self, entry: usize) -> String {
        match self.lowering.kind[entry] {
            Item::Node(node) => self.lowering.diagram.node(node).id.to_string(),
            _ => entry.to_string(),
        }
    }

    /// Live items: those still linked, or nodes of the process.
    fn is_live(&self, item: usize) -> bool {
        match self.lowering.kind[item] {
            Item::Node(node) => self.lowering.analysis.reading.in_process[node.index()],
            Item::Block(_) => true,
            Item::Barrier | Item::BranchEnd => false,
        }
    }

    fn state_of(&mut self, item: usize, states: &mut ScopeStates) {
        let owner = states.owner;
        let key = self.lowering.key[item];
        match self.lowering.kind[item] {
            Item::Node(node) => {
                let role = self.lowering.analysis.roles[node.index()];
                let outs = self.lowering.outs(item).len();
                let description = super::node_description(self.lowering.diagram.node(node));
                let name = self.lowering.names.of_node.get(&node).cloned();
                let state = match (role.kind, name) {
                    (Kind::End, Some(name)) if owner.is_none() => {
                        State { name, node: Some(node), description, kind: StateKind::Terminate }
                    }
                    (Kind::Decision, Some(name)) if outs >= 2 => {
                        let key_name = outcomes::outcome_key(self.lowering.diagram, node);
                        let mut state = self.decision(item, key_name, name, Some(node), states);
                        state.description = description;
                        state
                    }
                    (Kind::Task, Some(name)) if outs >= 2 && self.lowering.analysis.reading.is_choice(node) => {
                        let choice = self.lowering.names.of_choice[&node].clone();
                        let key_name = outcomes::outcome_key(self.lowering.diagram, node);
                        let decision = self.decision(item, key_name, choice.clone(), Some(node), states);
                        states.states.push(((key.0, 2), decision));
                        State { name, node: Some(node), description, kind: StateKind::Task { next: Next::To(choice) } }
                    }
                    (Kind::Task | Kind::Decision, Some(name)) => State {
                        name,
                        node: Some(node),
                        description,
                        kind: StateKind::Task { next: self.next_of(item, owner) },
                    },
                    _ => return,
                };
                states.states.push((key, state));
            }
            Item::Block(block) => {
                let branches = self.branch_scopes.get_mut(block).and_then(Option::take).unwrap_or_default();
                let next = match self.lowering.outs(item).first() {
                    Some(&link) => self.resolve(self.lowering.links[link].to, owner),
                    None => Target::ScopeEnd,
                };
                let next = self.name_of(next, states);
                let name = self.lowering.blocks[block].name.clone();
                states.states.push((
                    key,
                    State { name, node: None, description: None, kind: StateKind::Parallel { branches, next } },
                ));
            }
            Item::Barrier | Item::BranchEnd => {}
        }
    }
}

/// The edges a piece's exit leaves by (several outcomes may lead to the
/// same step), or one added link.
fn ways_out(exit_edges: &HashMap<usize, Vec<EdgeIndex>>, item: usize) -> Vec<Option<EdgeIndex>> {
    match exit_edges.get(&item) {
        Some(edges) if !edges.is_empty() => edges.iter().copied().map(Some).collect(),
        _ => vec![None],
    }
}

/// Marks where each decision of a scope finds its outcome: after a task (or
/// the scope's input) in that output; right after a Parallel in any of its
/// branches' outputs. Decisions pass their input on, so chains are followed.
fn mark_reads(states: &mut [State], start: &str) {
    let index: HashMap<&str, usize> = states.iter().enumerate().map(|(i, s)| (s.name.as_str(), i)).collect();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); states.len()];
    for (i, state) in states.iter().enumerate() {
        let targets: Vec<&str> = match &state.kind {
            StateKind::Task { next: Next::To(next) } => vec![next.as_str()],
            StateKind::Decision { choices, default, .. } => {
                choices.iter().map(|(_, t)| t.as_str()).chain(std::iter::once(default.as_str())).collect()
            }
            StateKind::Parallel { next, .. } => vec![next.as_str()],
            _ => Vec::new(),
        };
        for target in targets {
            if let Some(&t) = index.get(target) {
                preds[t].push(i);
            }
        }
    }
    let start_index = index.get(start).copied();
    let mut reads = vec![Reads::default(); states.len()];
    for (d, state) in states.iter().enumerate() {
        if !matches!(state.kind, StateKind::Decision { .. }) {
            continue;
        }
        let mut found = Reads::default();
        let mut seen = vec![false; states.len()];
        let mut stack = vec![d];
        seen[d] = true;
        while let Some(at) = stack.pop() {
            if Some(at) == start_index {
                found.direct = true;
            }
            for &p in &preds[at] {
                match &states[p].kind {
                    StateKind::Decision { .. } => {
                        if !seen[p] {
                            seen[p] = true;
                            stack.push(p);
                        }
                    }
                    StateKind::Parallel { branches, .. } => found.branches = found.branches.max(branches.len()),
                    _ => found.direct = true,
                }
            }
        }
        if found.branches == 0 {
            found.direct = true;
        }
        reads[d] = found;
    }
    for (state, found) in states.iter_mut().zip(reads) {
        if let StateKind::Decision { reads, .. } = &mut state.kind {
            *reads = found;
        }
    }
}

/// A series-parallel tree over the part's steps; children are listed after
/// their parent in the arena, the root first.
#[derive(Debug, Clone)]
enum Sp {
    Leaf(usize),
    Seq(Vec<usize>),
    Par(Vec<usize>),
}

type Bits = Vec<u64>;

/// `on[n]`: node `n` lies on a cycle of `graph` (a self-loop counts).
fn on_cycles(graph: &DiGraph<(), ()>) -> Vec<bool> {
    let mut cyclic = vec![false; graph.node_count()];
    for component in petgraph::algo::kosaraju_scc(graph) {
        let looped = component.len() > 1 || component.iter().any(|&n| graph.find_edge(n, n).is_some());
        for n in component {
            cyclic[n.index()] = looped;
        }
    }
    cyclic
}

fn bit(bits: &Bits, i: usize) -> bool {
    bits[i / 64] >> (i % 64) & 1 == 1
}

fn set(bits: &mut Bits, i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

/// What each step reaches, for steps in topological order.
fn descendants(succ: &[Vec<usize>]) -> Vec<Bits> {
    let words = succ.len().div_ceil(64);
    let mut desc = vec![vec![0u64; words]; succ.len()];
    for i in (0..succ.len()).rev() {
        let mut mine = vec![0u64; words];
        for &j in &succ[i] {
            set(&mut mine, j);
            for (w, word) in desc[j].iter().enumerate() {
                mine[w] |= word;
            }
        }
        desc[i] = mine;
    }
    desc
}

fn ancestors(desc: &[Bits], size: usize) -> Vec<Bits> {
    let words = size.div_ceil(64);
    let mut anc = vec![vec![0u64; words]; size];
    for (i, reach) in desc.iter().enumerate() {
        for (j, ancestor_bits) in anc.iter_mut().enumerate() {
            if bit(reach, j) {
                set(ancestor_bits, i);
            }
        }
    }
    anc
}

/// Nests the steps `0..size` (in topological order, ordered by `desc`) as
/// parallel groups and sequences that keep every order the part has. Where
/// no grouping keeps them all, the sequence cut that adds the fewest waits
/// is taken; those added waits `(before, after)` are returned.
fn series_parallel(desc: &[Bits], anc: &[Bits], rank: &[usize]) -> (Vec<Sp>, Vec<(usize, usize)>) {
    let size = rank.len();
    let mut tree: Vec<Sp> = Vec::new();
    let mut added = Vec::new();
    // Arena slots still to decompose: (slot, the steps it holds).
    tree.push(Sp::Leaf(0));
    let mut work: Vec<(usize, Vec<usize>)> = vec![(0, (0..size).collect())];
    while let Some((slot, steps)) = work.pop() {
        if steps.len() == 1 {
            tree[slot] = Sp::Leaf(steps[0]);
            continue;
        }
        let mut groups = components(desc, &steps);
        // Groups side by side keep the diagram's order.
        groups.sort_by_key(|group| group.iter().map(|&s| rank[s]).min());
        let parts = if groups.len() > 1 {
            tree[slot] = Sp::Par(Vec::new());
            groups
        } else {
            let (before, after, waits) = cheapest_cut(desc, anc, &steps);
            added.extend(waits);
            tree[slot] = Sp::Seq(Vec::new());
            vec![before, after]
        };
        let mut children = Vec::new();
        for part in parts {
            tree.push(Sp::Leaf(0));
            let child = tree.len() - 1;
            children.push(child);
            work.push((child, part));
        }
        match &mut tree[slot] {
            Sp::Par(list) | Sp::Seq(list) => *list = children,
            Sp::Leaf(_) => {}
        }
    }
    flatten(&mut tree);
    (tree, added)
}

/// A sequence inside a sequence (or a group inside a group) is one level.
fn flatten(tree: &mut [Sp]) {
    for id in (0..tree.len()).rev() {
        let (is_seq, children) = match &tree[id] {
            Sp::Seq(children) => (true, children.clone()),
            Sp::Par(children) => (false, children.clone()),
            Sp::Leaf(_) => continue,
        };
        let mut flat = Vec::new();
        for child in children {
            match (&tree[child], is_seq) {
                (Sp::Seq(inner), true) | (Sp::Par(inner), false) => flat.extend(inner.iter().copied()),
                _ => flat.push(child),
            }
        }
        match &mut tree[id] {
            Sp::Seq(list) | Sp::Par(list) => *list = flat,
            Sp::Leaf(_) => {}
        }
    }
}

/// The steps in groups that no order connects.
fn components(desc: &[Bits], steps: &[usize]) -> Vec<Vec<usize>> {
    let mut groups = crate::analysis::groups::Groups::new(steps.len());
    for a in 0..steps.len() {
        for b in a + 1..steps.len() {
            if bit(&desc[steps[a]], steps[b]) {
                groups.join(a, b);
            }
        }
    }
    groups.into_groups(steps)
}

/// Splits connected `steps` (topologically ordered) into a first and a
/// second part, at the prefix whose cut adds the fewest waits.
fn cheapest_cut(desc: &[Bits], anc: &[Bits], steps: &[usize]) -> (Vec<usize>, Vec<usize>, Vec<(usize, usize)>) {
    let words = desc.first().map_or(0, Vec::len);
    let mut in_first = vec![0u64; words];
    let mut in_second = vec![0u64; words];
    for &s in steps {
        set(&mut in_second, s);
    }
    let count = |a: &Bits, b: &Bits| a.iter().zip(b).map(|(x, y)| (x & y).count_ones() as usize).sum::<usize>();
    // cost = pairs (a in first, b in second) where b does not follow a.
    let mut cost: usize = 0;
    let mut best = (usize::MAX, 1);
    for (k, &step) in steps.iter().enumerate().take(steps.len() - 1) {
        // Moving `step` from the second part to the first: the pairs it
        // formed as a later step go, and those it forms as an earlier one come.
        in_second[step / 64] &= !(1 << (step % 64));
        // `k` steps are in the first part before this one joins it.
        let followed_by = count(&anc[step], &in_first);
        cost -= k - followed_by;
        cost += steps.len() - k - 1 - count(&desc[step], &in_second);
        set(&mut in_first, step);
        if cost < best.0 {
            best = (cost, k + 1);
        }
    }
    let (first, second) = steps.split_at(best.1);
    let mut waits = Vec::new();
    if best.0 > 0 {
        for &a in first {
            for &b in second {
                if !bit(&desc[a], b) {
                    waits.push((a, b));
                }
            }
        }
    }
    (first.to_vec(), second.to_vec(), waits)
}

/// The tree as text: `Parallel[a | b], then c`.
fn describe(tree: &[Sp], name: &dyn Fn(usize) -> String) -> String {
    // Post-order over the arena, children are after their parents.
    let mut text: Vec<String> = vec![String::new(); tree.len()];
    for id in (0..tree.len()).rev() {
        text[id] = match &tree[id] {
            Sp::Leaf(i) => name(*i),
            Sp::Par(children) => {
                format!("Parallel[{}]", children.iter().map(|&c| text[c].clone()).collect::<Vec<_>>().join(" | "))
            }
            Sp::Seq(children) => children.iter().map(|&c| text[c].clone()).collect::<Vec<_>>().join(", then "),
        };
    }
    text.first().cloned().unwrap_or_default()
}
