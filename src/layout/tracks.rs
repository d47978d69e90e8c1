//! Track assignment: which line of a gap each edge runs on. Edges in one gap
//! share a track wherever their stretches do not meet (the left-edge
//! algorithm of channel routing), so a gap is only as wide as the most edges
//! that pass one point of it. Then the tracks are put in the order that
//! crosses least: an edge that turns out of the gap towards its right side
//! crosses every line right of its own that spans the turn, so tracks are
//! swapped, neighbour with neighbour, while that lowers the count (and an
//! edge turning right never runs back along one turning left at the same
//! point). It works on grid units, before coordinates exist, so the
//! coordinates phase can size each gap for its tracks.

use std::collections::HashMap;

use super::routing::Channel;

/// One edge's stretch along one gap, in half-cells (cell centres are odd,
/// gap crossings even).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stretch {
    /// The gap.
    pub channel: Channel,
    /// A stub anchored at the gap's far side (right or bottom): such stubs
    /// get tracks of their own, after the others, so a stub leaving one node
    /// never runs along a stub entering the node across the gap.
    pub far_side: bool,
    /// Where the stretch begins.
    pub low: usize,
    /// Where it ends (inclusive).
    pub high: usize,
    /// The edge, by position.
    pub edge: usize,
    /// Which of the edge's gaps this is, in order.
    pub position: usize,
}

/// Which way an edge leaves a gap at one end of its stretch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Turn {
    /// Towards the gap's left (or top) side.
    #[default]
    Before,
    /// Towards the gap's right (or bottom) side.
    After,
}

/// One end of a stretch: where along the gap the edge turns out of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct End {
    /// Half-cells along the gap.
    pub at: usize,
    /// Which way it turns.
    pub turn: Turn,
}

/// The ends of every stretch, in one list: `of(i)` are stretch `i`'s.
#[derive(Debug, Clone, Default)]
pub struct Ends {
    starts: Vec<u32>,
    list: Vec<End>,
}

impl Ends {
    /// The ends of `count` stretches from `(stretch, end)` pairs; repeats
    /// are kept once.
    pub fn new(count: usize, mut pairs: Vec<(usize, End)>) -> Ends {
        pairs.sort_unstable_by_key(|&(stretch, end)| (stretch, end.at, end.turn == Turn::After));
        pairs.dedup();
        let mut starts = vec![0u32; count + 1];
        for &(stretch, _) in &pairs {
            starts[stretch + 1] += 1;
        }
        for i in 0..count {
            starts[i + 1] += starts[i];
        }
        Ends { starts, list: pairs.into_iter().map(|(_, end)| end).collect() }
    }

    /// The ends of stretch `i`.
    pub fn of(&self, i: usize) -> &[End] {
        &self.list[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}

impl Stretch {
    /// A stretch that is never used (a slot no edge took).
    pub fn empty() -> Stretch {
        Stretch { channel: Channel::Vertical(0), far_side: false, low: 0, high: 0, edge: usize::MAX, position: 0 }
    }
}

/// The tracks of every stretch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The track of each stretch, in the order given; tracks are counted
    /// from the gap's left (or top) side.
    pub track: Vec<usize>,
    /// How many tracks each gap has.
    pub tracks: HashMap<Channel, usize>,
}

/// Assigns tracks gap by gap: stretches in order of where they begin take
/// the first track whose last stretch ended before them; then each gap's
/// tracks are reordered to cross less. `ends[i]` are stretch `i`'s ends.
pub fn assign(stretches: &[Stretch], ends: &Ends) -> Assignment {
    let mut order: Vec<usize> = (0..stretches.len()).collect();
    order.sort_unstable_by_key(|&i| {
        let s = &stretches[i];
        (s.channel, s.far_side, s.low, s.high, s.edge, s.position, i)
    });
    let mut track = vec![0; stretches.len()];
    let mut tracks = HashMap::new();
    let mut start = 0;
    while start < order.len() {
        let channel = stretches[order[start]].channel;
        let end = start + order[start..].iter().take_while(|&&i| stretches[i].channel == channel).count();
        let mut offset = 0;
        for far_side in [false, true] {
            // The stretches on each track, in order along the gap.
            let mut lanes: Vec<Vec<usize>> = Vec::new();
            for &i in order[start..end].iter().filter(|&&i| stretches[i].far_side == far_side) {
                let free =
                    lanes.iter().position(|lane| lane.last().is_some_and(|&j| stretches[j].high < stretches[i].low));
                match free {
                    Some(free) => lanes[free].push(i),
                    None => lanes.push(vec![i]),
                }
            }
            let arranged = arrange(&lanes, stretches, ends);
            for (position, &lane) in arranged.iter().enumerate() {
                for &i in &lanes[lane] {
                    track[i] = offset + position;
                }
            }
            offset += lanes.len();
        }
        tracks.insert(channel, offset);
        start = end;
    }
    Assignment { track, tracks }
}

/// Passes of neighbour swaps over one gap's tracks.
const PASSES: usize = 8;

/// The order of a gap's tracks (`lanes`, each its stretches along the gap)
/// that crosses least, found by swapping neighbours while that helps.
fn arrange(lanes: &[Vec<usize>], stretches: &[Stretch], ends: &Ends) -> Vec<usize> {
    let mut order: Vec<usize> = (0..lanes.len()).collect();
    for _ in 0..PASSES {
        let mut swapped = false;
        for at in 0..order.len().saturating_sub(1) {
            let (left, right) = (order[at], order[at + 1]);
            if cost(&lanes[right], &lanes[left], stretches, ends) < cost(&lanes[left], &lanes[right], stretches, ends) {
                order.swap(at, at + 1);
                swapped = true;
            }
        }
        if !swapped {
            break;
        }
    }
    order
}

/// What it costs to put track `left` left of (or above) track `right`:
/// the crossings between their stretches that meet, and, weighted higher,
/// the places where two edges would turn towards each other at one point
/// and run along one line.
fn cost(left: &[usize], right: &[usize], stretches: &[Stretch], ends: &Ends) -> usize {
    let mut total = 0;
    let (mut i, mut j) = (0, 0);
    // Both tracks hold stretches in order along the gap: walk them together
    // and weigh every pair that meets.
    while i < left.len() && j < right.len() {
        let (a, b) = (&stretches[left[i]], &stretches[right[j]]);
        if a.high >= b.low && b.high >= a.low {
            total += pair_cost(left[i], right[j], stretches, ends);
        }
        if a.high < b.high {
            i += 1;
        } else {
            j += 1;
        }
    }
    total
}

/// The cost of stretch `x` lying left of stretch `y`.
fn pair_cost(x: usize, y: usize, stretches: &[Stretch], ends: &Ends) -> usize {
    let (sx, sy) = (&stretches[x], &stretches[y]);
    let mut total = 0;
    for e in ends.of(x).iter().filter(|e| e.turn == Turn::After) {
        if ends.of(y).iter().any(|f| f.at == e.at && f.turn == Turn::Before) {
            total += 3;
        } else if sy.low < e.at && e.at < sy.high {
            total += 1;
        }
    }
    for f in ends.of(y).iter().filter(|f| f.turn == Turn::Before) {
        if sx.low < f.at && f.at < sx.high {
            total += 1;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stretch(channel: Channel, far_side: bool, low: usize, high: usize, edge: usize) -> Stretch {
        Stretch { channel, far_side, low, high, edge, position: 0 }
    }

    /// Tracks of stretches whose ends do not matter.
    fn plain(stretches: &[Stretch]) -> Assignment {
        assign(stretches, &Ends::new(stretches.len(), Vec::new()))
    }

    #[test]
    fn stretches_that_do_not_meet_share_a_track() {
        let gap = Channel::Vertical(1);
        let assignment = plain(&[stretch(gap, false, 1, 3, 0), stretch(gap, false, 5, 7, 1)]);
        assert_eq!(assignment.track, vec![0, 0]);
        assert_eq!(assignment.tracks[&gap], 1);
    }

    #[test]
    fn stretches_that_meet_take_tracks_of_their_own() {
        let gap = Channel::Horizontal(2);
        // Touching ends meet (a shared point would make two edges one line),
        // so the stretch from 5 cannot follow the one that ends at 5; it
        // follows the one that ends at 3 instead.
        let assignment =
            plain(&[stretch(gap, false, 1, 5, 0), stretch(gap, false, 5, 9, 1), stretch(gap, false, 2, 3, 2)]);
        assert_eq!(assignment.track, vec![0, 1, 1]);
        assert_eq!(assignment.tracks[&gap], 2);
    }

    #[test]
    fn far_side_stubs_come_after_the_others() {
        let gap = Channel::Vertical(0);
        let assignment = plain(&[stretch(gap, true, 1, 1, 0), stretch(gap, false, 3, 3, 1)]);
        // The far-side stub does not meet the other stretch, yet it is kept
        // off its track.
        assert_eq!(assignment.track, vec![1, 0]);
        assert_eq!(assignment.tracks[&gap], 2);
    }

    #[test]
    fn gaps_are_counted_apart() {
        let (a, b) = (Channel::Vertical(0), Channel::Vertical(1));
        let assignment = plain(&[stretch(b, false, 1, 9, 0), stretch(a, false, 1, 9, 1), stretch(b, false, 2, 4, 2)]);
        assert_eq!(assignment.track, vec![0, 0, 1]);
        assert_eq!((assignment.tracks[&a], assignment.tracks[&b]), (1, 2));
    }

    #[test]
    fn the_line_that_goes_further_lies_outside_the_one_that_turns_off_first() {
        // Two edges come down a gap from its top left and turn right, one at
        // 5 and one at 9: the one turning at 9 must not lie right of the
        // other, or the other's turn at 5 would cross it.
        let gap = Channel::Vertical(3);
        let stretches = [stretch(gap, false, 0, 5, 0), stretch(gap, false, 0, 9, 1)];
        let ends = Ends::new(
            2,
            vec![
                (0, End { at: 0, turn: Turn::Before }),
                (0, End { at: 5, turn: Turn::After }),
                (1, End { at: 0, turn: Turn::Before }),
                (1, End { at: 9, turn: Turn::After }),
            ],
        );
        let assignment = assign(&stretches, &ends);
        assert!(assignment.track[1] < assignment.track[0], "{:?}", assignment.track);
    }

    #[test]
    fn edges_turning_towards_each_other_at_one_point_do_not_share_a_line() {
        // At 3 one edge turns right into a node, the other left out of one:
        // the one turning left goes left, or both run along one line.
        let gap = Channel::Vertical(3);
        let stretches = [stretch(gap, false, 1, 3, 0), stretch(gap, false, 2, 3, 1)];
        let ends = Ends::new(
            2,
            vec![
                (0, End { at: 1, turn: Turn::Before }),
                (0, End { at: 3, turn: Turn::After }),
                (1, End { at: 3, turn: Turn::Before }),
                (1, End { at: 2, turn: Turn::After }),
            ],
        );
        let assignment = assign(&stretches, &ends);
        assert!(assignment.track[1] < assignment.track[0], "{:?}", assignment.track);
    }
}
