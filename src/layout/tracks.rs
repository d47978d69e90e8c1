//! Track assignment: which line of a gap each edge runs on. Edges in one gap
//! share a track wherever their stretches do not meet (the left-edge
//! algorithm of channel routing), so a gap is only as wide as the most edges
//! that pass one point of it. It works on grid units, before coordinates
//! exist, so the coordinates phase can size each gap for its tracks.

use std::collections::HashMap;

use super::routing::Channel;

/// One edge's stretch along one gap, in half-cells (cell centres are odd,
/// gap crossings even).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
/// the first track whose last stretch ended before them.
pub fn assign(stretches: &[Stretch]) -> Assignment {
    let mut order: Vec<usize> = (0..stretches.len()).collect();
    order.sort_by_key(|&i| {
        let s = &stretches[i];
        (s.channel, s.far_side, s.low, s.high, s.edge, s.position)
    });
    let mut track = vec![0; stretches.len()];
    let mut tracks = HashMap::new();
    let mut start = 0;
    while start < order.len() {
        let channel = stretches[order[start]].channel;
        let end = start + order[start..].iter().take_while(|&&i| stretches[i].channel == channel).count();
        let mut offset = 0;
        for far_side in [false, true] {
            // The highest occupied point of each track so far.
            let mut reach: Vec<usize> = Vec::new();
            for &i in order[start..end].iter().filter(|&&i| stretches[i].far_side == far_side) {
                let free = match reach.iter().position(|&high| high < stretches[i].low) {
                    Some(free) => free,
                    None => {
                        reach.push(0);
                        reach.len() - 1
                    }
                };
                reach[free] = stretches[i].high;
                track[i] = offset + free;
            }
            offset += reach.len();
        }
        tracks.insert(channel, offset);
        start = end;
    }
    Assignment { track, tracks }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stretch(channel: Channel, far_side: bool, low: usize, high: usize, edge: usize) -> Stretch {
        Stretch { channel, far_side, low, high, edge, position: 0 }
    }

    #[test]
    fn stretches_that_do_not_meet_share_a_track() {
        let gap = Channel::Vertical(1);
        let assignment = assign(&[stretch(gap, false, 1, 3, 0), stretch(gap, false, 5, 7, 1)]);
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
            assign(&[stretch(gap, false, 1, 5, 0), stretch(gap, false, 5, 9, 1), stretch(gap, false, 2, 3, 2)]);
        assert_eq!(assignment.track, vec![0, 1, 1]);
        assert_eq!(assignment.tracks[&gap], 2);
    }

    #[test]
    fn far_side_stubs_come_after_the_others() {
        let gap = Channel::Vertical(0);
        let assignment = assign(&[stretch(gap, true, 1, 1, 0), stretch(gap, false, 3, 3, 1)]);
        // The far-side stub does not meet the other stretch, yet it is kept
        // off its track.
        assert_eq!(assignment.track, vec![1, 0]);
        assert_eq!(assignment.tracks[&gap], 2);
    }

    #[test]
    fn gaps_are_counted_apart() {
        let (a, b) = (Channel::Vertical(0), Channel::Vertical(1));
        let assignment = assign(&[stretch(b, false, 1, 9, 0), stretch(a, false, 1, 9, 1), stretch(b, false, 2, 4, 2)]);
        assert_eq!(assignment.track, vec![0, 0, 1]);
        assert_eq!((assignment.tracks[&a], assignment.tracks[&b]), (1, 2));
    }
}
