//! Where everything of the sequence view goes. Every step of the view gets
//! its own band of height, top to bottom, so no two labels can share one:
//! a frame's tab row, a compartment's guard row, a message's label above
//! its arrow. Across, participants stand far enough apart for the labels of
//! the messages between them, and frames reach past the lifelines they
//! enclose by more the more frames they hold.

use super::{Sequence, Step};
use crate::layout::text::{width, wrap};
use crate::layout::{Point, Rect};
use crate::model::Diagram;

/// Font sizes, in px.
pub(super) const HEAD_TEXT: f32 = 13.0;
pub(super) const MESSAGE_TEXT: f32 = 12.0;
pub(super) const FRAME_TEXT: f32 = 11.0;
/// Line heights.
pub(super) const HEAD_LINE: f32 = 17.0;
pub(super) const MESSAGE_LINE: f32 = 15.0;

const MARGIN: f32 = 20.0;
const HEAD_PAD_X: f32 = 14.0;
const HEAD_PAD_Y: f32 = 10.0;
const HEAD_MIN_WIDTH: f32 = 96.0;
const HEAD_WRAP: usize = 20;
const HEADS_APART: f32 = 32.0;
const MESSAGE_WRAP: usize = 36;
/// Room either side of a message label along its arrow.
const LABEL_ROOM: f32 = 16.0;
/// How far a self-message's loop reaches right, and how tall it is.
const SELF_WIDTH: f32 = 36.0;
const SELF_HEIGHT: f32 = 18.0;
const ACTIVATION_WIDTH: f32 = 10.0;
const TAB_HEIGHT: f32 = 18.0;
/// A divider's guard starts this far right of the frame's first lifeline,
/// clear of it and of an activation bar on it.
const GUARD_OFFSET: f32 = 16.0;
const FRAME_PAD: f32 = 14.0;
const FRAME_STEP: f32 = 10.0;
/// Bold text is about this much wider than the regular metrics say.
const BOLD: f32 = 1.15;
/// A view this tall (or with this many messages) repeats the heads below.
const TALL: f32 = 640.0;

/// A participant's head(s) and lifeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    /// The lifeline's x.
    pub x: f32,
    /// The head at the top.
    pub head: Rect,
    /// The head repeated at the bottom of a tall view.
    pub foot: Option<Rect>,
    /// The label's lines.
    pub lines: Vec<String>,
    /// Where the lifeline ends.
    pub lifeline_end: f32,
}

/// A message's arrow and label.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageBox {
    /// The arrow, from its start to its tip.
    pub points: Vec<Point>,
    /// The label's lines.
    pub lines: Vec<String>,
    /// Where the label's first baseline starts (`anchor` says from which end).
    pub label_at: Point,
    /// Whether the label is centred on `label_at` (or starts there).
    pub centred: bool,
    /// The box the label takes.
    pub label_rect: Rect,
}

/// A frame's box, tab and compartment dividers.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameBox {
    /// The frame.
    pub rect: Rect,
    /// The tab in its top-left corner.
    pub tab: Rect,
    /// The text in the tab (`alt`, `loop [condition]`).
    pub tab_text: String,
    /// Each guard's text and the box it takes.
    pub guards: Vec<(String, Rect)>,
    /// The y of each divider between compartments.
    pub dividers: Vec<f32>,
    /// The edges of its own messages (an inner frame's are the inner
    /// frame's: listing them again would grow with the square of the depth).
    pub edges: Vec<usize>,
}

/// An activation bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// The lane, by index.
    pub lane: usize,
    /// The bar.
    pub rect: Rect,
}

/// The whole sequence view as geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct SequenceLayout {
    /// Width of the picture.
    pub width: f32,
    /// Height of the picture.
    pub height: f32,
    /// One per lane, in file order.
    pub participants: Vec<Participant>,
    /// One per message of [`Sequence::messages`].
    pub messages: Vec<MessageBox>,
    /// One per frame of [`Sequence::frames`] that is drawn (`None`: it holds no message).
    pub frames: Vec<Option<FrameBox>>,
    /// Activation bars.
    pub bars: Vec<Bar>,
}

fn text_block(lines: &[String], size: f32) -> f32 {
    lines.iter().map(|line| width(line, size)).fold(0.0, f32::max)
}

fn tab_text(sequence: &Sequence, frame: usize) -> String {
    let data = &sequence.frames[frame];
    match &data.condition {
        Some(condition) => format!("{} [{}]", data.kind.name(), condition),
        None => data.kind.name().to_owned(),
    }
}

fn guard_text(sequence: &Sequence, frame: usize, compartment: usize) -> Option<String> {
    sequence.frames[frame].guards.get(compartment).cloned().flatten().map(|guard| format!("[{guard}]"))
}

/// What each frame spans across, found in one pass over the steps: the
/// lanes of its messages, how many frames deep it nests, and the room its
/// tab and guards need.
struct Spans {
    low: Vec<usize>,
    high: Vec<usize>,
    /// How many levels of frames it holds inside.
    holds: Vec<usize>,
    label_width: Vec<f32>,
    edges: Vec<Vec<usize>>,
    /// Its own self-messages: (lane, how far right of its lifeline the
    /// label reaches); an outer frame holds them by holding the inner one.
    reach: Vec<Vec<(usize, f32)>>,
    /// The widest guard under a divider, drawn right of the first lifeline.
    guard_width: Vec<f32>,
}

fn spans(sequence: &Sequence, message_lines: &[Vec<String>]) -> Spans {
    let count = sequence.frames.len();
    let mut spans = Spans {
        low: vec![usize::MAX; count],
        high: vec![0; count],
        holds: vec![0; count],
        label_width: vec![0.0; count],
        edges: vec![Vec::new(); count],
        reach: vec![Vec::new(); count],
        guard_width: vec![0.0; count],
    };
    let mut open: Vec<usize> = Vec::new();
    for step in &sequence.steps {
        match *step {
            Step::Open(frame, compartment) => {
                let tab = width(&tab_text(sequence, frame), FRAME_TEXT) * BOLD + 16.0;
                let guard = guard_text(sequence, frame, compartment).map_or(0.0, |g| width(&g, FRAME_TEXT) + 12.0);
                spans.label_width[frame] = tab + guard + 8.0;
                open.push(frame);
            }
            Step::Divide(frame, compartment) => {
                let guard = guard_text(sequence, frame, compartment).map_or(0.0, |g| width(&g, FRAME_TEXT));
                spans.guard_width[frame] = spans.guard_width[frame].max(guard);
            }
            Step::Message(m) => {
                if let Some(&frame) = open.last() {
                    let message = &sequence.messages[m];
                    let (a, b) = (message.from.index(), message.to.index());
                    spans.low[frame] = spans.low[frame].min(a.min(b));
                    spans.high[frame] = spans.high[frame].max(a.max(b));
                    spans.edges[frame].push(message.edge);
                    if a == b {
                        spans.reach[frame].push((a, SELF_WIDTH + 8.0 + text_block(&message_lines[m], MESSAGE_TEXT)));
                    }
                }
            }
            Step::Close(frame) => {
                open.pop();
                if let Some(&outer) = open.last() {
                    spans.low[outer] = spans.low[outer].min(spans.low[frame]);
                    spans.high[outer] = spans.high[outer].max(spans.high[frame]);
                    spans.holds[outer] = spans.holds[outer].max(spans.holds[frame] + 1);
                }
            }
        }
    }
    spans
}

/// Lays out the sequence view of `diagram`.
pub fn layout(diagram: &Diagram, sequence: &Sequence) -> SequenceLayout {
    let lanes = diagram.lanes();
    let heads: Vec<(Vec<String>, f32)> = lanes
        .iter()
        .map(|lane| {
            let lines = wrap(&lane.label, HEAD_WRAP);
            let lines = if lines.is_empty() { vec![lane.id.to_string()] } else { lines };
            let head_width = (text_block(&lines, HEAD_TEXT) * BOLD + 2.0 * HEAD_PAD_X).max(HEAD_MIN_WIDTH).ceil();
            (lines, head_width)
        })
        .collect();
    let head_height =
        heads.iter().map(|(lines, _)| lines.len()).max().unwrap_or(1) as f32 * HEAD_LINE + 2.0 * HEAD_PAD_Y;
    let message_lines: Vec<Vec<String>> = sequence.messages.iter().map(|m| wrap(&m.text, MESSAGE_WRAP)).collect();
    let spans = spans(sequence, &message_lines);
    let centres = centres(sequence, &heads, &message_lines, &spans);
    let frame_room = frame_room(sequence, &spans, &centres);
    // Shift right so the leftmost head and frame start at the margin.
    let leftmost = heads
        .first()
        .map_or(0.0, |(_, w)| centres.first().copied().unwrap_or(0.0) - w / 2.0)
        .min(frame_room.iter().flatten().map(|&(left, _)| left).fold(f32::MAX, f32::min));
    let shift = MARGIN - leftmost;
    let centres: Vec<f32> = centres.iter().map(|x| x + shift).collect();
    let frame_room: Vec<Option<(f32, f32)>> =
        frame_room.into_iter().map(|room| room.map(|(l, r)| (l + shift, r + shift))).collect();

    let mut vertical = Vertical::new(sequence, MARGIN + head_height + 18.0);
    let mut messages = Vec::with_capacity(sequence.messages.len());
    let mut frames: Vec<Option<FrameBox>> = vec![None; sequence.frames.len()];
    let mut tops = vec![0.0f32; sequence.frames.len()];
    let mut right_edge = centres.last().copied().unwrap_or(MARGIN) + heads.last().map_or(0.0, |(_, w)| w / 2.0);
    for step in &sequence.steps {
        match *step {
            Step::Open(frame, compartment) => {
                tops[frame] = vertical.y;
                let Some((left, right)) = frame_room[frame] else { continue };
                let text = tab_text(sequence, frame);
                let tab =
                    Rect { x: left, y: vertical.y, width: width(&text, FRAME_TEXT) * BOLD + 16.0, height: TAB_HEIGHT };
                let mut guards = Vec::new();
                if let Some(guard) = guard_text(sequence, frame, compartment) {
                    let rect =
                        Rect { x: tab.right() + 10.0, y: tab.y + 2.0, width: width(&guard, FRAME_TEXT), height: 14.0 };
                    guards.push((guard, rect));
                }
                frames[frame] = Some(FrameBox {
                    rect: Rect { x: left, y: vertical.y, width: right - left, height: 0.0 },
                    tab,
                    tab_text: text,
                    guards,
                    dividers: Vec::new(),
                    edges: spans.edges[frame].clone(),
                });
                vertical.y += TAB_HEIGHT + 10.0;
            }
            Step::Divide(frame, compartment) => {
                vertical.y += 4.0;
                if let Some(frame_box) = frames[frame].as_mut() {
                    frame_box.dividers.push(vertical.y);
                    if let Some(guard) = guard_text(sequence, frame, compartment) {
                        let lifeline = centres.get(spans.low[frame]).copied().unwrap_or(frame_box.rect.x);
                        let rect = Rect {
                            x: (frame_box.rect.x + 8.0).max(lifeline + GUARD_OFFSET),
                            y: vertical.y + 4.0,
                            width: width(&guard, FRAME_TEXT),
                            height: 14.0,
                        };
                        frame_box.guards.push((guard, rect));
                    }
                }
                vertical.y += 24.0;
            }
            Step::Message(m) => {
                let placed = vertical.message(sequence, m, &centres, &message_lines[m]);
                right_edge = right_edge
                    .max(placed.label_rect.right())
                    .max(placed.points.iter().map(|p| p.x).fold(0.0, f32::max));
                messages.push(placed);
            }
            Step::Close(frame) => {
                vertical.y += 8.0;
                if let Some(frame_box) = frames[frame].as_mut() {
                    frame_box.rect.height = vertical.y - tops[frame];
                    right_edge = right_edge.max(frame_box.rect.right());
                }
                vertical.y += 10.0;
            }
        }
    }
    let bars = vertical.bars(sequence, &centres);
    let lifeline_end = vertical.y + 10.0;
    let tall = lifeline_end > TALL || sequence.messages.len() > 12;
    let participants = heads
        .into_iter()
        .zip(&centres)
        .map(|((lines, head_width), &x)| Participant {
            x,
            head: Rect { x: x - head_width / 2.0, y: MARGIN, width: head_width, height: head_height },
            foot: tall.then(|| Rect {
                x: x - head_width / 2.0,
                y: lifeline_end,
                width: head_width,
                height: head_height,
            }),
            lines,
            lifeline_end,
        })
        .collect();
    let height = if tall { lifeline_end + head_height + MARGIN } else { lifeline_end + MARGIN };
    SequenceLayout { width: right_edge + MARGIN, height, participants, messages, frames, bars }
}

/// Lifeline positions: heads side by side, then every message's label
/// between the lifelines it joins (a self-message's to the right of its
/// loop), then every frame's tab and guards within the lanes it spans.
fn centres(
    sequence: &Sequence,
    heads: &[(Vec<String>, f32)],
    message_lines: &[Vec<String>],
    spans: &Spans,
) -> Vec<f32> {
    let count = heads.len();
    if count == 0 {
        return Vec::new();
    }
    let mut gaps: Vec<f32> = (1..count).map(|i| (heads[i - 1].1 + heads[i].1) / 2.0 + HEADS_APART).collect();
    // (first lane, last lane, room needed between their lifelines)
    let mut needs: Vec<(usize, usize, f32)> = Vec::new();
    for (m, message) in sequence.messages.iter().enumerate() {
        let (a, b) = (message.from.index(), message.to.index());
        let label = text_block(&message_lines[m], MESSAGE_TEXT);
        if a == b {
            if a + 1 < count {
                needs.push((a, a + 1, SELF_WIDTH + 8.0 + label + LABEL_ROOM + ACTIVATION_WIDTH));
            }
        } else {
            needs.push((a.min(b), a.max(b), label + 2.0 * LABEL_ROOM + ACTIVATION_WIDTH));
        }
    }
    for frame in 0..sequence.frames.len() {
        if spans.low[frame] < spans.high[frame] && spans.high[frame] < count {
            needs.push((spans.low[frame], spans.high[frame], spans.label_width[frame]));
        }
    }
    // Narrow spans first: what they add is then counted by the wider ones.
    needs.sort_by(|x, y| (x.1 - x.0).cmp(&(y.1 - y.0)).then(x.0.cmp(&y.0)));
    for (a, b, need) in needs {
        let have: f32 = gaps[a..b].iter().sum();
        if have < need {
            let each = (need - have) / (b - a) as f32;
            for gap in &mut gaps[a..b] {
                *gap += each;
            }
        }
    }
    let mut centres = Vec::with_capacity(count);
    let mut x = heads[0].1 / 2.0;
    centres.push(x);
    for gap in gaps {
        x += gap;
        centres.push(x);
    }
    centres
}

/// Each drawn frame's left and right: past the lifelines of its lanes by
/// more for each level of frames it holds, and wide enough for its tab and
/// guards (a frame in one lane grows to the right).
fn frame_room(sequence: &Sequence, spans: &Spans, centres: &[f32]) -> Vec<Option<(f32, f32)>> {
    let mut room: Vec<Option<(f32, f32)>> = vec![None; sequence.frames.len()];
    // Inner frames come after their outer one: from the last, each outer
    // frame is widened to hold its inner ones.
    for frame in (0..sequence.frames.len()).rev() {
        let (low, high) = (spans.low[frame], spans.high[frame]);
        let (Some(&left_x), Some(&right_x)) = (centres.get(low), centres.get(high)) else { continue };
        let pad = FRAME_PAD + FRAME_STEP * spans.holds[frame] as f32;
        let (mut left, mut right) = (left_x - pad, right_x + pad);
        right = right.max(left_x + GUARD_OFFSET + spans.guard_width[frame] + pad);
        for &(lane, reach) in &spans.reach[frame] {
            if let Some(&x) = centres.get(lane) {
                right = right.max(x + reach + pad);
            }
        }
        right = right.max(left + spans.label_width[frame]);
        if let Some((l, r)) = room[frame] {
            left = left.min(l);
            right = right.max(r);
        }
        room[frame] = Some((left, right));
        if let Some(parent) = sequence.frames[frame].parent {
            let grown = (left - FRAME_STEP, right + FRAME_STEP);
            room[parent] = Some(match room[parent] {
                Some((l, r)) => (l.min(grown.0), r.max(grown.1)),
                None => grown,
            });
        }
    }
    room
}

/// Where a label of `label_width` goes along the arrow from lane `a` to
/// lane `b`: in the first gap between two lifelines, from the sender's
/// side, that holds it whole, so no lifeline runs through the text; or
/// else over the middle of the arrow (the lanes were spaced for that).
fn label_centre(centres: &[f32], a: usize, b: usize, label_width: f32) -> f32 {
    let need = label_width + 2.0 * LABEL_ROOM + ACTIVATION_WIDTH;
    let steps: Vec<(usize, usize)> =
        if a < b { (a..b).map(|i| (i, i + 1)).collect() } else { (b..a).rev().map(|i| (i + 1, i)).collect() };
    let at = |lane: usize| centres.get(lane).copied().unwrap_or(0.0);
    steps
        .into_iter()
        .find(|&(from, to)| (at(to) - at(from)).abs() >= need)
        .map_or((at(a) + at(b)) / 2.0, |(from, to)| (at(from) + at(to)) / 2.0)
}

/// The running y and which lifelines are busy.
struct Vertical {
    y: f32,
    /// For each message, the activations that start at it (by lane) and end at it.
    starts_at: Vec<Vec<usize>>,
    ends_at: Vec<Vec<usize>>,
    busy: Vec<usize>,
    arrow_y: Vec<f32>,
}

impl Vertical {
    fn new(sequence: &Sequence, top: f32) -> Vertical {
        let count = sequence.messages.len();
        let mut starts_at = vec![Vec::new(); count];
        let mut ends_at = vec![Vec::new(); count];
        for activation in &sequence.activations {
            starts_at[activation.request].push(activation.lane.index());
            ends_at[activation.reply].push(activation.lane.index());
        }
        let lanes = sequence.messages.iter().map(|m| m.from.index().max(m.to.index()) + 1).max().unwrap_or(0);
        Vertical { y: top, starts_at, ends_at, busy: vec![0; lanes], arrow_y: vec![0.0; count] }
    }

    /// How far from lifeline `lane` an arrow ends: at the edge of its bar.
    fn inset(&self, lane: usize) -> f32 {
        match self.busy.get(lane).copied().unwrap_or(0) {
            0 => 0.0,
            depth => ACTIVATION_WIDTH / 2.0 + (depth - 1) as f32 * ACTIVATION_WIDTH / 2.0,
        }
    }

    fn message(&mut self, sequence: &Sequence, m: usize, centres: &[f32], lines: &[String]) -> MessageBox {
        let message = &sequence.messages[m];
        let (a, b) = (message.from.index(), message.to.index());
        for &lane in &self.starts_at[m] {
            self.busy[lane] += 1;
        }
        let text_height = lines.len().max(1) as f32 * MESSAGE_LINE;
        let label_width = text_block(lines, MESSAGE_TEXT);
        let (xa, xb) = (centres.get(a).copied().unwrap_or(0.0), centres.get(b).copied().unwrap_or(0.0));
        let placed = if a == b {
            let top = self.y + 4.0;
            let x = xa + self.inset(a);
            let points = vec![
                Point { x, y: top },
                Point { x: xa + SELF_WIDTH, y: top },
                Point { x: xa + SELF_WIDTH, y: top + SELF_HEIGHT },
                Point { x, y: top + SELF_HEIGHT },
            ];
            let label_x = xa + SELF_WIDTH + 8.0;
            let label_top = top + SELF_HEIGHT / 2.0 - text_height / 2.0;
            self.arrow_y[m] = top + SELF_HEIGHT;
            self.y = (top + SELF_HEIGHT).max(label_top + text_height) + 12.0;
            MessageBox {
                points,
                lines: lines.to_vec(),
                label_at: Point { x: label_x, y: label_top + MESSAGE_TEXT },
                centred: false,
                label_rect: Rect { x: label_x, y: label_top, width: label_width, height: text_height },
            }
        } else {
            let arrow_y = self.y + text_height + 6.0;
            let direction = if b > a { 1.0 } else { -1.0 };
            let start = xa + direction * self.inset(a);
            let end = xb - direction * self.inset(b);
            let middle = label_centre(centres, a, b, label_width);
            self.arrow_y[m] = arrow_y;
            self.y = arrow_y + 14.0;
            MessageBox {
                points: vec![Point { x: start, y: arrow_y }, Point { x: end, y: arrow_y }],
                lines: lines.to_vec(),
                label_at: Point { x: middle, y: arrow_y - 6.0 - text_height + MESSAGE_TEXT },
                centred: true,
                label_rect: Rect {
                    x: middle - label_width / 2.0,
                    y: arrow_y - 6.0 - text_height,
                    width: label_width,
                    height: text_height,
                },
            }
        };
        for &lane in &self.ends_at[m] {
            self.busy[lane] = self.busy[lane].saturating_sub(1);
        }
        placed
    }

    fn bars(&self, sequence: &Sequence, centres: &[f32]) -> Vec<Bar> {
        sequence
            .activations
            .iter()
            .filter_map(|activation| {
                let lane = activation.lane.index();
                let x = centres.get(lane)? - ACTIVATION_WIDTH / 2.0 + activation.depth as f32 * ACTIVATION_WIDTH / 2.0;
                let (top, bottom) = (self.arrow_y[activation.request], self.arrow_y[activation.reply]);
                Some(Bar { lane, rect: Rect { x, y: top, width: ACTIVATION_WIDTH, height: (bottom - top).max(4.0) } })
            })
            .collect()
    }
}
