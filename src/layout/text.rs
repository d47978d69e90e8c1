//! Text measured with the bundled font's real advance widths (DejaVu Sans),
//! so boxes fit their labels in every viewer that draws with that font.

use std::sync::OnceLock;

/// The bundled font; the renderers name it and the PNG renderer loads it.
pub static FONT: &[u8] = include_bytes!("font/DejaVuSans.ttf");
/// The bundled font's family, named in every SVG.
pub const FONT_FAMILY: &str = "DejaVu Sans";

struct Metrics {
    units_per_em: f32,
    /// Advance widths of the printable ASCII characters, in font units.
    ascii: [f32; 128],
    fallback: f32,
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let mut ascii = [0.0; 128];
        match ttf_parser::Face::parse(FONT, 0) {
            Ok(face) => {
                let advance =
                    |c: char| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(0.0, f32::from);
                for (code, slot) in ascii.iter_mut().enumerate().skip(32) {
                    *slot = advance(code as u8 as char);
                }
                Metrics { units_per_em: f32::from(face.units_per_em()), ascii, fallback: advance('M') }
            }
            // The font is compiled in; this is unreachable in practice, and
            // a rough average keeps layout working if it ever happened.
            Err(_) => Metrics { units_per_em: 1000.0, ascii: [550.0; 128], fallback: 600.0 },
        }
    })
}

fn advance_units(character: char) -> f32 {
    let metrics = metrics();
    match character as u32 {
        code @ 32..=127 => metrics.ascii[code as usize],
        _ => {
            // Non-ASCII: ask the font (zero-allocation lookups).
            match ttf_parser::Face::parse(FONT, 0) {
                Ok(face) => face
                    .glyph_index(character)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(metrics.fallback, f32::from),
                Err(_) => metrics.fallback,
            }
        }
    }
}

/// Width of `text` at `size` px.
pub fn width(text: &str, size: f32) -> f32 {
    let units: f32 = text.chars().map(advance_units).sum();
    units / metrics().units_per_em * size
}

/// Breaks `text` into lines of at most about `max_chars` characters, at
/// spaces where possible; a word longer than a line is cut.
pub fn wrap(text: &str, max_chars: usize) -> Vec<String> {
    let max_chars = max_chars.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_chars = 0;
    for word in text.split_whitespace() {
        let mut rest = word;
        let mut rest_chars = word.chars().count();
        // A word longer than a line is cut into line-long pieces; each cut
        // is found from where the last one ended, so a million-character
        // word costs one pass.
        while rest_chars > max_chars {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_chars = 0;
            }
            let cut = rest.char_indices().nth(max_chars).map_or(rest.len(), |(at, _)| at);
            lines.push(rest[..cut].to_owned());
            rest = &rest[cut..];
            rest_chars -= max_chars;
        }
        let needed = line_chars + usize::from(!line.is_empty()) + rest_chars;
        if needed > max_chars && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_chars = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            line_chars += 1;
        }
        line.push_str(rest);
        line_chars += rest_chars;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_metrics_and_wrapping() {
        assert!(width("iiii", 14.0) < width("MMMM", 14.0));
        assert!((width("M", 10.0) - width("M", 20.0) / 2.0).abs() < 0.01);
        assert_eq!(
            wrap("Review the indemnification clauses now", 22),
            vec!["Review the", "indemnification", "clauses now"]
        );
        assert_eq!(wrap("", 22), vec![""]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }
}
