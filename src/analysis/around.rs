//! What an executable process puts around each node beyond the node itself:
//! the implicit start and end events, join and fork gateways, and the
//! choices that BPMN (and any engine without FlowZap's implicit rules)
//! needs. One rule, read by the BPMN compiler that adds these elements and
//! by the layout that leaves room for them beside the node.

use super::flow::Flow;
use super::joins::{Join, JoinInfo};
use super::roles::{Kind, Role, Split};
use super::Reading;

/// What stands in front of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Front {
    /// Nothing: the incoming flow enters the node itself.
    Nothing,
    /// An implicit start event: a flow that starts at a node that is not a
    /// start event.
    Start,
    /// A start event and an exclusive merge: the entry of a ring, entered
    /// once from the start and again each time the ring comes round.
    RingEntry,
    /// A gateway joining several incoming flows, of the kind the join
    /// typing calls for; `slot_merges` exclusive merges in front of it for
    /// a nested join's slots with several edges.
    Join {
        /// Whether the join waits for every branch.
        parallel: bool,
        /// Exclusive merges in front of a nested join.
        slot_merges: usize,
    },
}

/// What follows a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Back {
    /// Nothing: the node's own outgoing flows leave it.
    Nothing,
    /// A parallel gateway: every outgoing edge is taken.
    Fork,
    /// An exclusive gateway after a task whose labelled outcomes are read
    /// as a choice.
    Choice,
    /// An implicit end event: a flow that stops at a node that is not an
    /// end event.
    End,
}

/// The elements around one node of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Around {
    /// Whether the node is part of the process at all.
    pub in_process: bool,
    /// In front of the node.
    pub front: Front,
    /// After the node.
    pub back: Back,
    /// The start event and the choice between alternative starts stand in
    /// front of this node (the first of several starts).
    pub entry_choice: bool,
}

impl Around {
    /// How many added elements stand side by side in front of the node.
    pub fn in_front(&self) -> usize {
        if self.entry_choice {
            return 2;
        }
        match self.front {
            Front::Nothing => 0,
            Front::Start => 1,
            Front::RingEntry => 1,
            Front::Join { slot_merges, .. } => 1 + usize::from(slot_merges > 0),
        }
    }

    /// How many added elements follow the node.
    pub fn behind(&self) -> usize {
        usize::from(self.back != Back::Nothing)
    }
}

/// The elements around every node of the process `flow`, `roles` and
/// `joins` describe.
pub fn around(reading: &Reading, flow: &Flow, roles: &[Role], joins: &[JoinInfo]) -> Vec<Around> {
    let several_starts = flow.sources.len() > 1;
    let first_start = flow.sources.first().map(|node| node.index());
    (0..roles.len())
        .map(|n| {
            let role = roles[n];
            let (ins, outs) = (flow.incoming[n].len(), flow.outgoing[n].len());
            let in_process = reading.in_process.get(n).copied().unwrap_or(false);
            let front = if reading.ring_entry.is_some_and(|entry| entry.index() == n) {
                Front::RingEntry
            } else if ins == 0 && role.kind != Kind::Start && !several_starts {
                Front::Start
            } else if ins > 1 {
                let info = &joins[n];
                match info.join {
                    Join::Parallel => Front::Join { parallel: true, slot_merges: 0 },
                    Join::Nested => Front::Join {
                        parallel: true,
                        slot_merges: info.slots.iter().filter(|slot| slot.len() >= 2).count(),
                    },
                    // A mixed join runs once per arriving token, as the
                    // soundness check plays it; lint reports it.
                    Join::Exclusive | Join::LoopMerge | Join::Mixed | Join::None => {
                        Front::Join { parallel: false, slot_merges: 0 }
                    }
                }
            } else {
                Front::Nothing
            };
            let back = if outs > 1 && role.kind == Kind::Task && role.split == Split::Exclusive {
                Back::Choice
            } else if outs > 1 && role.split == Split::Parallel {
                Back::Fork
            } else if outs == 0 && role.kind != Kind::End {
                Back::End
            } else {
                Back::Nothing
            };
            Around { in_process, front, back, entry_choice: several_starts && first_start == Some(n) }
        })
        .collect()
}
