//! Bundles: the edges leaving one handle of one node are drawn as one trunk
//! that branches where each goes its own way (fan-out), and the edges
//! entering one handle of one node as branches that join one trunk into a
//! single arrowhead (fan-in). Drawn apart, nine edges from one handle are
//! nine lines a few pixels apart that braid across each other's runs.
//!
//! On the grid an edge is a sequence of gaps (channels); a bundle's members
//! share a gap's line (a *slot*) as long as their sequences agree, from the
//! handle outwards: a trie over the sequences, from the front for fan-out
//! and from the back for fan-in. A slot then gets one track, and the
//! members' routes coincide along it.
//!
//! Not bundled: an edge that runs straight along its row (it leaves its
//! handle sideways through empty cells, not into the gap), and a second
//! edge between the same two handles, which must stay apart to be told
//! from the first.

use super::routing::Channel;
use super::Few;
use crate::model::{Diagram, Side};

/// Which slot each edge uses in each of its gaps, and whether its ends share
/// a port with other edges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slots {
    /// `of[e][k]`: the slot of edge `e`'s `k`-th gap.
    pub of: Vec<Few<usize>>,
    /// The gap of each slot.
    pub channel: Vec<Channel>,
    /// `shares_source[e]`: edge `e` leaves by a port it shares with others.
    pub shares_source: Vec<bool>,
    /// `shares_target[e]`: edge `e` enters by a port it shares with others.
    pub shares_target: Vec<bool>,
}

/// The slots of edges whose gap sequences are `sequences` (and whether each
/// runs straight along its row).
pub fn slots(diagram: &Diagram, sequences: &[(Few<Channel>, bool)]) -> Slots {
    let count = diagram.edges().len();
    // The first edge between two handles is drawn as any other; the ones
    // after it keep to themselves. (Grouping by sorting: a hash map entry
    // per edge cost more than all the rest of this.)
    let mut pairs: Vec<(usize, Side, usize, Side, usize)> = diagram
        .edges()
        .iter()
        .enumerate()
        .map(|(e, edge)| (edge.source.index(), edge.source_handle, edge.target.index(), edge.target_handle, e))
        .collect();
    pairs.sort_unstable();
    let mut bundled = vec![false; count];
    for (at, pair) in pairs.iter().enumerate() {
        let key = |p: &(usize, Side, usize, Side, usize)| (p.0, p.1, p.2, p.3);
        let first = at == 0 || key(&pairs[at - 1]) != key(pair);
        bundled[pair.4] = first && !sequences[pair.4].1;
    }
    let groups = |end: &dyn Fn(usize) -> (usize, Side)| -> Vec<Vec<usize>> {
        let mut keyed: Vec<((usize, Side), usize)> = (0..count).filter(|&e| bundled[e]).map(|e| (end(e), e)).collect();
        keyed.sort_unstable();
        let mut found: Vec<Vec<usize>> = keyed
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|group| group.len() > 1)
            .map(|group| group.iter().map(|&(_, e)| e).collect())
            .collect();
        found.sort();
        found
    };
    let edges = diagram.edges();
    let out_groups = groups(&|e| (edges[e].source.index(), edges[e].source_handle));
    let in_groups = groups(&|e| (edges[e].target.index(), edges[e].target_handle));

    let mut slots = Slots {
        of: sequences.iter().map(|(channels, _)| channels.iter().map(|_| usize::MAX).collect()).collect(),
        channel: Vec::new(),
        shares_source: vec![false; count],
        shares_target: vec![false; count],
    };
    // Fan-out first: the trie from each group's handle outwards.
    let mut shared_out = vec![0usize; count];
    for group in &out_groups {
        let trie = trie(group, |e, k| sequences[e].0.get(k).copied(), &mut slots.channel);
        for (&e, path) in group.iter().zip(&trie) {
            slots.shares_source[e] = true;
            shared_out[e] = path.len();
            for (k, &slot) in path.iter().enumerate() {
                slots.of[e][k] = slot;
            }
        }
    }
    // Then fan-in, from each group's handle backwards, over what fan-out
    // left to the edge alone.
    for group in &in_groups {
        let length = |e: usize| sequences[e].0.len();
        let from_end = |e: usize, k: usize| {
            let position = length(e).checked_sub(k + 1)?;
            (position >= shared_out[e]).then(|| sequences[e].0[position])
        };
        let trie = trie(group, from_end, &mut slots.channel);
        for (&e, path) in group.iter().zip(&trie) {
            slots.shares_target[e] = !path.is_empty();
            for (k, &slot) in path.iter().enumerate() {
                slots.of[e][length(e) - 1 - k] = slot;
            }
        }
    }
    // Everything else has a slot of its own.
    for (positions, (channels, _)) in slots.of.iter_mut().zip(sequences) {
        for (slot, &channel) in positions.iter_mut().zip(channels.iter()) {
            if *slot == usize::MAX {
                *slot = slots.channel.len();
                slots.channel.push(channel);
            }
        }
    }
    slots
}

/// For each member of a bundle, the slots of the steps it shares with at
/// least one other member, from the handle on: members share a slot while
/// their steps (`step(member, k)`, `None` past the last) have agreed so far.
fn trie(
    members: &[usize],
    step: impl Fn(usize, usize) -> Option<Channel>,
    slots: &mut Vec<Channel>,
) -> Vec<Vec<usize>> {
    let mut paths: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
    // Members still running together, grouped by the slot they are in.
    let mut together: Vec<Vec<usize>> = vec![(0..members.len()).collect()];
    let mut k = 0;
    while !together.is_empty() {
        let mut next = Vec::new();
        for group in together {
            let mut by_channel: Vec<(Channel, Vec<usize>)> = Vec::new();
            for m in group {
                let Some(channel) = step(members[m], k) else { continue };
                match by_channel.iter_mut().find(|(c, _)| *c == channel) {
                    Some((_, list)) => list.push(m),
                    None => by_channel.push((channel, vec![m])),
                }
            }
            for (channel, list) in by_channel {
                // A step taken alone is no longer shared.
                if list.len() < 2 {
                    continue;
                }
                let slot = slots.len();
                slots.push(channel);
                for &m in &list {
                    paths[m].push(slot);
                }
                next.push(list);
            }
        }
        together = next;
        k += 1;
    }
    paths
}
